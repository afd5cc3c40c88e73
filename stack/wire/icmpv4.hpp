// SPDX-License-Identifier: MIT
// ICMPv4 messages (RFC 792): echo request/reply, destination unreachable, time exceeded, with the quoted
// header of an error. Other types parse as generic messages (type, code, 4-byte rest of header, body).
#pragma once

#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"

namespace strata::wire {

namespace icmp_type {
inline constexpr std::uint8_t kEchoReply = 0;
inline constexpr std::uint8_t kDestUnreachable = 3;
inline constexpr std::uint8_t kSourceQuench = 4;
inline constexpr std::uint8_t kRedirect = 5;
inline constexpr std::uint8_t kEchoRequest = 8;
inline constexpr std::uint8_t kTimeExceeded = 11;
inline constexpr std::uint8_t kParameterProblem = 12;
/// RFC 1122 §3.2.2: error messages (never answered with another error).
constexpr bool is_error(std::uint8_t t) {
  return t == kDestUnreachable || t == kSourceQuench || t == kRedirect || t == kTimeExceeded ||
         t == kParameterProblem;
}
}  // namespace icmp_type

namespace icmp_code {
inline constexpr std::uint8_t kNetUnreachable = 0;
inline constexpr std::uint8_t kHostUnreachable = 1;
inline constexpr std::uint8_t kProtocolUnreachable = 2;
inline constexpr std::uint8_t kPortUnreachable = 3;
inline constexpr std::uint8_t kFragmentationNeeded = 4;
inline constexpr std::uint8_t kTtlExceeded = 0;
inline constexpr std::uint8_t kReassemblyExceeded = 1;
}  // namespace icmp_code

inline constexpr std::size_t kIcmpHeaderLen = 8;

/// Invariant: after parse() the 8-byte header is inside the buffer.
class Icmpv4View {
 public:
  static core::Result<Icmpv4View> parse(core::Bytes bytes);  // IcmpTruncated
  std::uint8_t type() const { return core::load_u8(b_, 0); }
  std::uint8_t code() const { return core::load_u8(b_, 1); }
  std::uint16_t checksum() const { return core::load_be16(b_, 2); }
  std::uint16_t echo_id() const { return core::load_be16(b_, 4); }
  std::uint16_t echo_seq() const { return core::load_be16(b_, 6); }
  std::uint16_t next_hop_mtu() const { return core::load_be16(b_, 6); }
  bool checksum_ok() const;
  /// After the 8-byte header: echo data, or the quoted IPv4 header + 8 bytes of an error.
  core::Bytes body() const { return b_.subspan(kIcmpHeaderLen); }
  core::Bytes bytes() const { return b_; }

 private:
  core::Bytes b_;
};

struct Icmpv4Header {
  std::uint8_t type = 0, code = 0;
  std::uint32_t rest = 0;  // id<<16|seq for echo, mtu for frag-needed, 0 otherwise
  static constexpr std::size_t wire_size() { return kIcmpHeaderLen; }
  /// Writes the header over out[0..8) and sets the checksum over all of `out` (header + body already there).
  void emit_with_checksum(core::MutBytes out) const;
};

}  // namespace strata::wire
