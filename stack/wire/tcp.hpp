// SPDX-License-Identifier: MIT
// TCP headers (RFC 9293 §3.1) and options: EOL, NOP, MSS, window scale (RFC 7323), SACK-permitted and SACK
// blocks (RFC 2018), timestamps (RFC 7323); unknown kinds are skipped by their length.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::wire {

inline constexpr std::size_t kTcpMinHeaderLen = 20;
inline constexpr std::size_t kTcpMaxOptionsLen = 40;

namespace tcp_flag {
inline constexpr std::uint16_t kFin = 0x001, kSyn = 0x002, kRst = 0x004, kPsh = 0x008, kAck = 0x010,
                               kUrg = 0x020, kEce = 0x040, kCwr = 0x080, kAe = 0x100;
}

namespace tcp_option {
inline constexpr std::uint8_t kEol = 0, kNop = 1, kMss = 2, kWindowScale = 3, kSackPermitted = 4, kSack = 5,
                              kTimestamps = 8;
}

struct SackBlock {
  std::uint32_t left = 0, right = 0;
};

/// The options a TCP implementation acts on, parsed from the option bytes.
struct TcpOptions {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;
  bool sack_permitted = false;
  std::array<SackBlock, 4> sack{};
  std::uint8_t sack_count = 0;
  std::optional<std::pair<std::uint32_t, std::uint32_t>> timestamps;  // (TSval, TSecr)

  /// Walks the option bytes. Error TcpTruncatedOptions when an option's length byte is missing, below 2, runs
  /// past the end, or a known option has the wrong length.
  static core::Result<TcpOptions> parse(core::Bytes options);
  /// SACK blocks emit() writes: as many of sack_count as fit in 40 bytes beside the other options.
  std::size_t sack_blocks_that_fit() const;
  /// Bytes emit() writes, padded with NOPs / EOL to a multiple of 4; never more than 40.
  std::size_t wire_size() const;
  void emit(core::MutBytes out) const;  // out.size() >= wire_size()
};

/// Invariant: after parse() the header and its options are inside the buffer.
class TcpView {
 public:
  /// Errors: TcpTruncated, TcpBadHeaderLength (data offset below 5 or beyond the segment).
  static core::Result<TcpView> parse(core::Bytes segment);
  std::uint16_t src_port() const { return core::load_be16(b_, 0); }
  std::uint16_t dst_port() const { return core::load_be16(b_, 2); }
  std::uint32_t seq() const { return core::load_be32(b_, 4); }
  std::uint32_t ack() const { return core::load_be32(b_, 8); }
  std::uint8_t header_len() const { return static_cast<std::uint8_t>((core::load_u8(b_, 12) >> 4) * 4); }
  /// The 12 flag bits as tshark's tcp.flags shows them (reserved, AE, CWR, ECE, URG, ACK, PSH, RST, SYN,
  /// FIN).
  std::uint16_t flags() const { return core::load_be16(b_, 12) & 0x0fff; }
  bool has(std::uint16_t flag) const { return (flags() & flag) != 0; }
  std::uint16_t window() const { return core::load_be16(b_, 14); }
  std::uint16_t checksum() const { return core::load_be16(b_, 16); }
  std::uint16_t urgent() const { return core::load_be16(b_, 18); }
  core::Bytes options() const { return b_.subspan(kTcpMinHeaderLen, header_len() - kTcpMinHeaderLen); }
  core::Bytes payload() const { return b_.subspan(header_len()); }
  core::Bytes bytes() const { return b_; }
  /// Over the pseudo-header and the whole segment (the buffer must hold all of it).
  bool checksum_ok(Ipv4Address src, Ipv4Address dst) const;

 private:
  core::Bytes b_;
};

struct TcpHeader {
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint16_t flags = 0;
  std::uint16_t window = 0, urgent = 0;
  TcpOptions options;

  std::size_t wire_size() const { return kTcpMinHeaderLen + options.wire_size(); }
  /// Writes the header at out[0..wire_size()); checksum left zero (set_checksum once the payload is there).
  void emit(core::MutBytes out) const;
  /// Sets the checksum of a whole segment (header + payload) in place.
  static void set_checksum(core::MutBytes segment, Ipv4Address src, Ipv4Address dst);
};

}  // namespace strata::wire
