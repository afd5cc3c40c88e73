// SPDX-License-Identifier: MIT
#include "stack/wire/arp.hpp"

namespace strata::wire {

core::Result<ArpView> ArpView::parse(core::Bytes b) {
  if (b.size() < 8) return core::fail(core::Reason::ArpTruncated);
  // RFC 826: hrd 1 = Ethernet with 6-byte addresses; pro 0x0800 = IPv4 with 4-byte addresses.
  if (core::load_be16(b, 0) != 1 || core::load_u8(b, 4) != 6)
    return core::fail(core::Reason::ArpUnsupportedHardware);
  if (core::load_be16(b, 2) != 0x0800 || core::load_u8(b, 5) != 4)
    return core::fail(core::Reason::ArpUnsupportedProtocol);
  if (b.size() < kArpLen) return core::fail(core::Reason::ArpTruncated);
  const auto op = core::load_be16(b, 6);
  if (op != 1 && op != 2) return core::fail(core::Reason::ArpBadOpcode);
  ArpView v;
  v.b_ = b.first(kArpLen);
  return v;
}

bool ArpPeek::peek(core::Bytes b, ArpPeek& out) {
  if (b.size() < 8) return false;
  out.opcode = core::load_be16(b, 6);
  const std::size_t hlen = core::load_u8(b, 4), plen = core::load_u8(b, 5);
  // Hardware type 19 is ATM ARP (RFC 2225): the opcode is where ARP has it, the addresses are laid out
  // otherwise (Wireshark shows no arp.*_ipv4 for it).
  const bool atm = core::load_be16(b, 0) == 19;
  out.has_ipv4 = !atm && core::load_be16(b, 2) == 0x0800 && plen == 4 && b.size() >= 8 + 2 * hlen + 8;
  if (out.has_ipv4) {
    out.spa = Ipv4Address::load(b.data() + 8 + hlen);
    out.tpa = Ipv4Address::load(b.data() + 8 + 2 * hlen + 4);
  }
  return true;
}

void ArpPacket::emit(core::MutBytes out) const {
  core::store_be16(out, 0, 1);
  core::store_be16(out, 2, 0x0800);
  core::store_u8(out, 4, 6);
  core::store_u8(out, 5, 4);
  core::store_be16(out, 6, static_cast<std::uint16_t>(op));
  sender_mac.store(out.data() + 8);
  sender_ip.store(out.data() + 14);
  target_mac.store(out.data() + 18);
  target_ip.store(out.data() + 24);
}

ArpPacket ArpPacket::from(const ArpView& v) {
  return ArpPacket{static_cast<ArpOp>(v.opcode()), v.sender_mac(), v.sender_ip(), v.target_mac(),
                   v.target_ip()};
}

}  // namespace strata::wire
