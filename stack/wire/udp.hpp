// SPDX-License-Identifier: MIT
// UDP headers (RFC 768), checksummed over the IPv4 pseudo-header. A zero checksum means "none sent".
#pragma once

#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {

inline constexpr std::size_t kUdpHeaderLen = 8;

/// Invariant: after parse() the 8-byte header is inside the buffer. length() is not yet checked against the
/// buffer: check_length() does that, so a reporter can read the header of a bad datagram.
class UdpView {
 public:
  static core::Result<UdpView> parse(core::Bytes bytes) {  // UdpTruncated
    if (bytes.size() < kUdpHeaderLen) [[unlikely]]
      return core::fail(core::Reason::UdpTruncated);
    UdpView v;
    v.b_ = bytes;
    return v;
  }
  std::uint16_t src_port() const { return core::load_be16(b_, 0); }
  std::uint16_t dst_port() const { return core::load_be16(b_, 2); }
  std::uint16_t length() const { return core::load_be16(b_, 4); }
  std::uint16_t checksum() const { return core::load_be16(b_, 6); }
  /// UdpBadLength when length() < 8 or beyond the IP payload, UdpTruncated when the capture cut it.
  core::Result<void> check_length(std::size_t ip_payload_len) const {
    if (length() < kUdpHeaderLen || length() > ip_payload_len) [[unlikely]]
      return core::fail(core::Reason::UdpBadLength);
    if (length() > b_.size()) [[unlikely]]
      return core::fail(core::Reason::UdpTruncated);
    return {};
  }
  /// Over the pseudo-header and length() bytes. Requires check_length() to have passed.
  bool checksum_ok(Ipv4Address src, Ipv4Address dst) const {
    return pseudo_ones_sum(b_.first(length()), src.value, dst.value, ip_proto::kUdp, length()) == 0xffff;
  }
  /// The same, given the IPv4 header of the datagram whose payload this is. Without IPv4 options the
  /// addresses lie just before the UDP header, and they and the datagram are summed as one run.
  bool checksum_ok(const Ipv4View& ip) const {
    const core::Bytes a = ip.addresses();
    if (a.data() + a.size() == b_.data()) [[likely]]
      return pseudo_run_ok(core::Bytes(a.data(), a.size() + length()), ip_proto::kUdp, length());
    return checksum_ok(ip.src(), ip.dst());
  }
  core::Bytes payload() const { return core::Bytes(b_.data() + kUdpHeaderLen, length() - kUdpHeaderLen); }

 private:
  core::Bytes b_;
};

struct UdpHeader {
  std::uint16_t src_port = 0, dst_port = 0, length = 0;
  static constexpr std::size_t wire_size() { return kUdpHeaderLen; }
  /// Writes the header over out[0..8) and the checksum over out (header + payload, out.size() == length).
  void emit_with_checksum(core::MutBytes out, Ipv4Address src, Ipv4Address dst) const;
  /// The same with the payload's ones_sum() given: a sender sums the bytes where they came from, not the copy
  /// it just wrote (loads inside a just-written wide store do not forward and stall). Inline: UDP's send path
  /// calls it once per datagram.
  void emit_with_payload_sum(core::MutBytes out, Ipv4Address src, Ipv4Address dst,
                             std::uint16_t payload_sum) const {
    store(out, ones_fold64(pseudo_sum(src, dst) + payload_sum));
  }
  /// The same with the payload itself given (its copy already behind the header, out.size() == length ==
  /// 8 + payload.size()). A short payload is summed starting from the header's and pseudo-header's words: one
  /// fold for the whole checksum, not one for the payload and one more.
  void emit_with_payload(core::MutBytes out, Ipv4Address src, Ipv4Address dst, core::Bytes payload) const {
    if (payload.size() > detail::kShortInput) return emit_with_payload_sum(out, src, dst, ones_sum(payload));
    // The payload is summed in native order. On a little-endian host a native word is its big-endian value
    // byte-swapped, which modulo 0xffff is a multiplication by 2^8: shifted left by 8, the big-endian start
    // adds into the native sum.
    const std::uint64_t be = pseudo_sum(src, dst);
    const std::uint64_t start = detail::kLittle ? be << 8 : be;
    store(out, detail::fold(detail::sum_short(payload.data(), payload.size(), start)));
  }

 private:
  /// The header as one 64-bit big-endian value, checksum 0.
  std::uint64_t word() const {
    return std::uint64_t{src_port} << 48 | std::uint64_t{dst_port} << 32 | std::uint64_t{length} << 16;
  }
  /// The header's and pseudo-header's words, summed unfolded in registers. 32-bit pieces add as their 16-bit
  /// words do (2^16 == 1 mod 0xffff): the header's are the ports and the length, the pseudo-header's the
  /// addresses, the protocol and the length again.
  std::uint64_t pseudo_sum(Ipv4Address src, Ipv4Address dst) const {
    return std::uint64_t{src.value} + dst.value + (word() >> 32) + ip_proto::kUdp + 2 * std::uint64_t{length};
  }
  /// Stores the header whole, its checksum ~sum. RFC 768: a computed zero is sent as all ones (zero means
  /// "no checksum").
  void store(core::MutBytes out, std::uint16_t sum) const {
    const auto c = static_cast<std::uint16_t>(~sum);
    detail::store_be64(out.data(), word() | (c == 0 ? 0xffff : c));
  }
};

}  // namespace strata::wire
