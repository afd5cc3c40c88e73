// SPDX-License-Identifier: MIT
#include "stack/link/ethernet_layer.hpp"

#include <bit>
#include <cstring>

#include "stack/core/rx_report.hpp"
#include "stack/wire/link_headers.hpp"
#include "stack/wire/sll.hpp"

namespace strata::link {

using core::Layer;
using core::Reason;

namespace {
// The six bytes at p (eight readable) as one integer, the two bytes after them shifted out: a destination
// address compared with one 8-byte load instead of a 4- and a 2-byte load joined.
std::uint64_t first_six_word(const std::byte* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return std::endian::native == std::endian::little ? w << 16 : w >> 16;
}
}  // namespace

core::NicId EthernetLayer::attach(nic::Nic& n) {
  std::byte padded[8] = {};
  std::memcpy(padded, n.info().mac.octets.data(), 6);
  nics_.push_back(Attached{&n, n.info().mac, n.info().link, first_six_word(padded)});
  return core::NicId{static_cast<std::uint16_t>(nics_.size() - 1)};
}

void EthernetLayer::register_protocol(std::uint16_t type, L3Handler& h) {
  for (auto& [t, handler] : table_)
    if (t == type) {
      handler = &h;
      return;
    }
  table_.emplace_back(type, &h);
}

namespace {

// What replay --json reports of an Ethernet header, out of line: the receive path stays small without it.
// It parses the frame again: the receive path then never needs its view in memory.
[[gnu::noinline]] void report_ethernet(core::RxReport& r, core::Bytes frame) {
  const auto parsed = wire::EthernetView::parse(frame);
  if (!parsed) return;
  const wire::EthernetView& eth = *parsed;
  r.link = core::RxReport::kEthernet;
  r.has |= core::RxReport::kEth;
  r.eth_src = eth.src().octets;
  r.eth_dst = eth.dst().octets;
  r.eth_type = eth.outer_type();
  // Below 0x0600 the field is an 802.3 length, not a type.
  if (r.eth_type >= 0x0600) r.has |= core::RxReport::kEthType;
  bool seen_q = false;
  for (std::size_t i = 0; i < eth.tag_count(); ++i) {
    const auto t = eth.tag(i);
    if (t.tpid == wire::ether_type::kVlan && !seen_q) {
      r.has |= core::RxReport::kVlan;
      r.vlan_id = t.vid;
      seen_q = true;
    } else if (t.tpid != wire::ether_type::kVlan && !(r.has & core::RxReport::kAd)) {
      r.has |= core::RxReport::kAd;
      r.ad_id = t.vid;
    }
  }
}

}  // namespace

// Every link type but Ethernet (receive() takes that one inline).
void EthernetLayer::receive_other_link(core::RxFrame& f) {
  switch (nics_[f.nic.value].link) {
    case nic::LinkType::Ethernet:
      return receive_ethernet(f);
    case nic::LinkType::LinuxSll:
      return receive_cooked(f, false);
    case nic::LinkType::LinuxSll2:
      return receive_cooked(f, true);
    case nic::LinkType::RawIpv4: {
      ctx_.enter(f, Layer::Link, core::Counter::LinkRx);
      f.marks.link = 0;
      if (f.report) f.report->link = core::RxReport::kRaw;
      // Raw captures carry IPv4 (or IPv6, told apart by the version nibble).
      std::uint16_t type = wire::ether_type::kIpv4;
      if (!f.bytes.empty() && (core::load_u8(f.bytes, 0) >> 4) == 6) type = wire::ether_type::kIpv6;
      return dispatch(f, LinkHeader{type, false, false}, 0);
    }
    case nic::LinkType::BsdLoopback:
      return receive_other(f, wire::parse_bsd_loopback);
    case nic::LinkType::Ppp:
      return receive_other(f, wire::parse_ppp);
    case nic::LinkType::CiscoHdlc:
      return receive_other(f, wire::parse_cisco_hdlc);
    case nic::LinkType::Unsupported:
      ctx_.enter(f, Layer::Link, core::Counter::LinkRx);
      return ctx_.drop(f, Layer::Link, Reason::LinkUnsupportedType);
  }
}

void EthernetLayer::receive_ethernet(core::RxFrame& f) {
  // The usual frame (untagged, unicast to this NIC, of a registered type, nobody reporting or tracing) with
  // no call but the handler's, a tail call; the rest out of line, where the calls to drop, report and trace
  // need a stack frame and saved registers. It counts and marks the frame as the general path does.
  const core::Bytes b = f.bytes;
  if (b.size() >= wire::kEthernetHeaderLen && !f.observed) [[likely]] {
    const std::uint16_t type = core::load_be16(b, 12);
    const bool unicast = (core::load_u8(b, 0) & 1) == 0;
    if (unicast && !wire::ether_type::is_tag(type) && first_six_word(b.data()) == nics_[f.nic.value].mac_word)
      if (L3Handler* h = handler_for(type)) [[likely]] {
        f.top = Layer::Link;
        ctx_.counters.inc(core::Counter::LinkRx);
        f.marks.link = 0;
        f.marks.net = wire::kEthernetHeaderLen;
        return h->receive(f, LinkHeader{type, false, false}, b.subspan(wire::kEthernetHeaderLen));
      }
  }
  receive_ethernet_general(f);
}

void EthernetLayer::receive_ethernet_general(core::RxFrame& f) {
  ctx_.enter(f, Layer::Link, core::Counter::LinkRx);
  f.marks.link = 0;
  auto eth = wire::EthernetView::parse(f.bytes);
  if (!eth) [[unlikely]]
    return ctx_.drop(f, Layer::Link, eth.error());
  if (f.report) [[unlikely]]
    report_ethernet(*f.report, f.bytes);
  // The destination is compared as one integer, in place. The group bit is set in broadcast and multicast
  // addresses alike.
  const std::uint64_t dst = eth->dst_bits();
  const bool group = eth->dst_is_group();
  const bool broadcast = dst == wire::MacAddress::kBroadcastBits;
  if (!group && !promiscuous_ && dst != nics_[f.nic.value].mac.bits()) [[unlikely]]
    return ctx_.drop(f, Layer::Link, Reason::LinkNotForUs);
  dispatch(f, LinkHeader{eth->type(), broadcast, group && !broadcast}, eth->header_len());
}

void EthernetLayer::receive_cooked(core::RxFrame& f, bool v2) {
  ctx_.enter(f, Layer::Link, core::Counter::LinkRx);
  f.marks.link = 0;
  auto sll = v2 ? wire::SllView::parse2(f.bytes) : wire::SllView::parse(f.bytes);
  if (!sll) return ctx_.drop(f, Layer::Link, sll.error());
  if (auto* r = f.report) [[unlikely]] {
    r->link = v2 ? core::RxReport::kSll2 : core::RxReport::kSll;
    r->has |= core::RxReport::kSllType;
    r->sll_pkttype = sll->packet_type();
    r->sll_etype = sll->protocol();
    // ARPHRD_IPGRE (778) carries a GRE protocol type in that field, not an EtherType.
    if (sll->arphrd_type() != 778) r->has |= core::RxReport::kSllEtype;
  }
  const LinkHeader link{sll->protocol(), sll->packet_type() == 1, sll->packet_type() == 2};
  // ARPHRD_NETLINK (824) frames carry netlink families, not EtherTypes.
  if (sll->arphrd_type() == 824) return ctx_.drop(f, Layer::Link, Reason::LinkUnsupportedType);
  dispatch(f, link, sll->header_len());
}

void EthernetLayer::receive_other(core::RxFrame& f, core::Result<wire::LinkPayload> (*parse)(core::Bytes)) {
  ctx_.enter(f, Layer::Link, core::Counter::LinkRx);
  f.marks.link = 0;
  if (f.report) [[unlikely]]
    f.report->link = core::RxReport::kOther;
  auto h = parse(f.bytes);
  if (!h) return ctx_.drop(f, Layer::Link, h.error());
  dispatch(f, LinkHeader{h->ether_type, false, false}, h->header_len);
}

void EthernetLayer::dispatch(core::RxFrame& f, LinkHeader link, std::size_t offset) {
  L3Handler* h = handler_for(link.type);
  if (h == nullptr) return ctx_.drop(f, Layer::Link, Reason::LinkUnsupportedType);
  f.marks.net = static_cast<std::uint16_t>(offset);
  h->receive(f, link, f.bytes.subspan(offset));
}

core::Result<void> EthernetLayer::send(core::NicId id, const wire::MacAddress& dst, std::uint16_t type,
                                       core::PacketBuf&& p, core::Instant now) {
  const Attached& a = nics_[id.value];
  // The usual frame (Ethernet, room for the header, no tracer) with no call but the NIC's, a tail call; the
  // rest out of line, where the calls to drop or trace need a stack frame and saved registers.
  if (a.link != nic::LinkType::Ethernet || p.headroom() < wire::kEthernetHeaderLen || ctx_.tracer.on())
      [[unlikely]]
    return send_other(id, dst, type, std::move(p), now);
  wire::EthernetHeader::emit_untagged(p.push_front(wire::kEthernetHeaderLen), dst, a.mac, type);
  p.set_mark(&core::LayerMarks::link);
  // As the two ctx_.sent() calls of send_other() count it.
  ctx_.counters.inc(core::Counter::LinkTx);
  ctx_.counters.inc(core::Counter::NicTx);
  return a.nic->transmit(std::move(p), now);
}

core::Result<void> EthernetLayer::send_other(core::NicId id, const wire::MacAddress& dst, std::uint16_t type,
                                             core::PacketBuf&& p, core::Instant now) {
  const Attached& a = nics_[id.value];
  if (a.link == nic::LinkType::Ethernet) {
    if (p.headroom() < wire::kEthernetHeaderLen) {
      ctx_.drop_tx(now, Layer::Link, Reason::NicNoBuffer, &p);
      return core::fail(Reason::NicNoBuffer);
    }
    wire::EthernetHeader::emit_untagged(p.push_front(wire::kEthernetHeaderLen), dst, a.mac, type);
    p.set_mark(&core::LayerMarks::link);
  } else if (a.link != nic::LinkType::RawIpv4) {
    // Cooked captures are read-only: the stack cannot send on them.
    ctx_.drop_tx(now, Layer::Link, Reason::LinkUnsupportedType, &p);
    return core::fail(Reason::LinkUnsupportedType);
  }
  ctx_.sent(now, Layer::Link, core::Counter::LinkTx, p, id);
  // The NIC boundary: the frame as it leaves the stack.
  ctx_.sent(now, Layer::Nic, core::Counter::NicTx, p, id);
  return a.nic->transmit(std::move(p), now);
}

}  // namespace strata::link
