// SPDX-License-Identifier: MIT
// ARP (RFC 826) for Ethernet hardware and IPv4 protocol addresses only; other pairs are rejected with a
// reason.
#pragma once

#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::wire {

inline constexpr std::size_t kArpLen = 28;
enum class ArpOp : std::uint16_t { Request = 1, Reply = 2 };

/// Invariant: after parse() the 28 bytes of an Ethernet/IPv4 ARP packet are inside the buffer.
class ArpView {
 public:
  /// Errors: ArpTruncated, ArpUnsupportedHardware, ArpUnsupportedProtocol, ArpBadOpcode.
  static core::Result<ArpView> parse(core::Bytes bytes);
  std::uint16_t opcode() const { return core::load_be16(b_, 6); }
  MacAddress sender_mac() const { return MacAddress::load(b_.data() + 8); }
  Ipv4Address sender_ip() const { return Ipv4Address::load(b_.data() + 14); }
  MacAddress target_mac() const { return MacAddress::load(b_.data() + 18); }
  Ipv4Address target_ip() const { return Ipv4Address::load(b_.data() + 24); }

 private:
  core::Bytes b_;
};

/// Lenient read of the fixed part (8 bytes) and the addresses when present: what a reporter shows for an ARP
/// packet the stack refused (tshark shows fields of unsupported ARP too).
struct ArpPeek {
  std::uint16_t opcode = 0;
  bool has_ipv4 = false;
  Ipv4Address spa, tpa;
  static bool peek(core::Bytes bytes, ArpPeek& out);
};

struct ArpPacket {
  ArpOp op = ArpOp::Request;
  MacAddress sender_mac;
  Ipv4Address sender_ip;
  MacAddress target_mac;
  Ipv4Address target_ip;

  static constexpr std::size_t wire_size() { return kArpLen; }
  void emit(core::MutBytes out) const;  // out.size() >= kArpLen
  static ArpPacket from(const ArpView& v);
};

}  // namespace strata::wire
