// SPDX-License-Identifier: MIT
// IPv4 headers (RFC 791). Options are kept opaque but bounds-checked: the view exposes them as bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"
#include "stack/wire/checksum.hpp"

namespace strata::wire {

namespace ip_proto {
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kIpIp = 4;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
}  // namespace ip_proto

inline constexpr std::size_t kIpv4MinHeaderLen = 20;
inline constexpr std::size_t kIpv4MaxDatagram = 65535;

/// Invariant: after parse() the whole header (options included) is inside the buffer, version is 4,
/// 20 <= header_len() <= total_length(). The datagram itself may be cut short by the capture: truncated()
/// says so.
class Ipv4View {
 public:
  /// Errors: Ipv4Truncated (header cut), Ipv4BadVersion, Ipv4BadHeaderLength, Ipv4BadTotalLength.
  static core::Result<Ipv4View> parse(core::Bytes bytes);
  /// The usual datagram in four tests: version 4 with a 20-byte header (no options), not a fragment, and all
  /// of it in the buffer. Nullopt for anything else, sound or not: parse() then tells which.
  static std::optional<Ipv4View> parse_plain(core::Bytes bytes);

  std::uint8_t header_len() const { return static_cast<std::uint8_t>((core::load_u8(b_, 0) & 0xf) * 4); }
  std::uint8_t tos() const { return core::load_u8(b_, 1); }
  std::uint16_t total_length() const { return core::load_be16(b_, 2); }
  std::uint16_t ident() const { return core::load_be16(b_, 4); }
  bool dont_fragment() const { return (core::load_u8(b_, 6) & 0x40) != 0; }
  bool more_fragments() const { return (core::load_u8(b_, 6) & 0x20) != 0; }
  bool reserved_flag() const { return (core::load_u8(b_, 6) & 0x80) != 0; }
  /// In 8-byte units, as on the wire.
  std::uint16_t frag_offset() const { return core::load_be16(b_, 6) & 0x1fff; }
  bool is_fragment() const { return more_fragments() || frag_offset() != 0; }
  std::uint8_t ttl() const { return core::load_u8(b_, 8); }
  std::uint8_t protocol() const { return core::load_u8(b_, 9); }
  std::uint16_t checksum() const { return core::load_be16(b_, 10); }
  Ipv4Address src() const { return Ipv4Address::load(b_.data() + 12); }
  Ipv4Address dst() const { return Ipv4Address::load(b_.data() + 16); }
  core::Bytes options() const { return b_.subspan(20, header_len() - 20); }
  core::Bytes header() const { return b_.first(header_len()); }
  /// The source and destination addresses as they sit in the header (the UDP and TCP pseudo-header's).
  core::Bytes addresses() const { return b_.subspan(12, 8); }
  /// The header without options (nearly every datagram) is summed inline at its fixed length: two 8-byte
  /// words and a 4-byte one.
  bool checksum_ok() const {
    if (header_len() == kIpv4MinHeaderLen) [[likely]]
      return detail::folds_to_ffff(detail::sum_short(b_.data(), kIpv4MinHeaderLen, 0));
    return ones_sum(header()) == 0xffff;
  }
  /// The capture holds fewer bytes than total_length().
  bool truncated() const { return b_.size() < total_length(); }
  /// Payload up to total_length() (link padding removed), cut where the buffer ends.
  core::Bytes payload() const { return core::Bytes(b_.data() + header_len(), b_.size() - header_len()); }

 private:
  core::Bytes b_;  // the datagram up to total_length(), or to the buffer's end if that comes first
};

inline std::optional<Ipv4View> Ipv4View::parse_plain(core::Bytes b) {
  if (b.size() < kIpv4MinHeaderLen || core::load_u8(b, 0) != 0x45) return std::nullopt;
  const std::uint16_t total = core::load_be16(b, 2);
  if (total < kIpv4MinHeaderLen || total > b.size()) return std::nullopt;
  if ((core::load_be16(b, 6) & 0x3fff) != 0) return std::nullopt;  // more fragments, or an offset
  Ipv4View v;
  v.b_ = b.first(total);
  return v;
}

inline core::Result<Ipv4View> Ipv4View::parse(core::Bytes b) {
  if (b.size() < kIpv4MinHeaderLen) [[unlikely]]
    return core::fail(core::Reason::Ipv4Truncated);
  const auto vihl = core::load_u8(b, 0);
  if ((vihl >> 4) != 4) [[unlikely]]
    return core::fail(core::Reason::Ipv4BadVersion);
  const std::size_t hlen = (vihl & 0xf) * 4u;
  if (hlen < kIpv4MinHeaderLen) [[unlikely]]
    return core::fail(core::Reason::Ipv4BadHeaderLength);
  if (b.size() < hlen) [[unlikely]]
    return core::fail(core::Reason::Ipv4Truncated);
  const std::size_t total = core::load_be16(b, 2);
  if (total < hlen) [[unlikely]]
    return core::fail(core::Reason::Ipv4BadTotalLength);
  Ipv4View v;
  v.b_ = b.first(total < b.size() ? total : b.size());
  return v;
}

namespace detail {
/// A whole header word at once (the emitters build headers in registers).
inline void store_be64(std::byte* p, std::uint64_t v) {
  if constexpr (kLittle) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
}  // namespace detail

struct Ipv4Header {
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;
  std::uint16_t ident = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t frag_offset = 0;  // 8-byte units
  std::uint8_t ttl = 64;
  std::uint8_t protocol = 0;
  Ipv4Address src, dst;
  core::Bytes options;  // borrowed, length a multiple of 4 and at most 40

  std::size_t wire_size() const { return kIpv4MinHeaderLen + options.size(); }
  /// Writes the header with a correct checksum. Requires out.size() >= wire_size(). Inline: every datagram
  /// sent builds one.
  void emit(core::MutBytes out) const {
    // Options (rare) are copied and summed first, out of line: nothing else is live across that call.
    std::uint64_t sum = options.empty() ? 0 : emit_options(out);
    // The fixed header is built as words in registers, summed there and stored whole (three stores, not
    // ten): the sum never reads back what was just written (a store-forwarding stall).
    const std::uint64_t flags =
        (dont_fragment ? 0x4000u : 0u) | (more_fragments ? 0x2000u : 0u) | (frag_offset & 0x1fffu);
    const std::uint64_t w0 = static_cast<std::uint64_t>(0x40 | wire_size() / 4) << 56 |
                             std::uint64_t{tos} << 48 | std::uint64_t{total_length} << 32 |
                             std::uint64_t{ident} << 16 | flags;
    std::uint64_t w1 = std::uint64_t{ttl} << 56 | std::uint64_t{protocol} << 48 | src.value;  // checksum 0
    // 32-bit pieces add as their 16-bit words do (2^16 == 1 mod 0xffff); six cannot overflow 64 bits.
    sum += (w0 >> 32) + (w0 & 0xffffffff) + (w1 >> 32) + (w1 & 0xffffffff) + dst.value;
    w1 |= std::uint64_t{static_cast<std::uint16_t>(~ones_fold64(sum))} << 32;
    detail::store_be64(out.data(), w0);
    detail::store_be64(out.data() + 8, w1);
    dst.store(out.data() + 16);
  }
  static Ipv4Header from(const Ipv4View& v);

 private:
  /// Copies the options behind the fixed header and returns their ones_sum().
  std::uint16_t emit_options(core::MutBytes out) const;
};

}  // namespace strata::wire
