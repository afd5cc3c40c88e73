// SPDX-License-Identifier: MIT
#include "stack/link/arp_layer.hpp"

#include <algorithm>

#include "stack/core/rx_report.hpp"
#include "stack/wire/arp.hpp"

namespace strata::link {

using core::Counter;
using core::Layer;
using core::Reason;

ArpLayer::ArpLayer(core::StackContext& ctx, EthernetLayer& ethernet, ArpConfig config)
    : ctx_(ctx), ethernet_(ethernet), config_(config), cache_(config.cache_capacity, config.entry_lifetime) {
  pending_.reserve(config.max_pending);
  resolving_.reserve(config.max_pending);
}

void ArpLayer::set_address(core::NicId nic, std::optional<wire::Ipv4Address> addr, core::Instant now,
                           bool announce) {
  if (addrs_.size() <= nic.value) addrs_.resize(nic.value + 1);
  addrs_[nic.value] = addr;
  // RFC 5227 §3: an ARP announcement — a request with sender and target both our address, broadcast.
  if (addr && announce && ethernet_.link_type(nic) == nic::LinkType::Ethernet) {
    ctx_.counters.inc(Counter::ArpGratuitousTx);
    send_arp(nic, wire::ArpOp::Request, {}, *addr, *addr, wire::MacAddress::broadcast(), now);
  }
}

void ArpLayer::receive(core::RxFrame& f, LinkHeader link, core::Bytes payload) {
  ctx_.enter(f, Layer::Arp, Counter::ArpRx, payload);
  if (auto* r = f.report) [[unlikely]] {
    wire::ArpPeek peek;
    if (wire::ArpPeek::peek(payload, peek)) {
      r->has |= core::RxReport::kArp;
      r->arp_opcode = peek.opcode;
      if (peek.has_ipv4) {
        r->has |= core::RxReport::kArpIpv4;
        r->arp_spa = peek.spa.value;
        r->arp_tpa = peek.tpa.value;
      }
    }
  }
  // Reverse ARP (RFC 903, EtherType 0x8035) has ARP's format, and a reporter is shown it as ARP (Wireshark
  // dissects it with ARP's dissector); a host that is no RARP server has nothing to learn from it or answer.
  if (link.type == wire::ether_type::kRarp) [[unlikely]]
    return ctx_.drop(f, Layer::Arp, Reason::ArpRarp);
  auto arp = wire::ArpView::parse(payload);
  if (!arp) return ctx_.drop(f, Layer::Arp, arp.error());
  const auto op = arp->opcode();
  ctx_.counters.inc(op == 1 ? Counter::ArpRequestRx : Counter::ArpReplyRx);
  const auto our = address(f.nic);
  const bool for_us = our && arp->target_ip() == *our;
  // RFC 826 "Packet Reception": merge the sender into the cache if known; add it if we are the target.
  const auto sender = arp->sender_ip();
  if (!sender.is_any()) {
    const bool merged = cache_.update(f.nic, sender, arp->sender_mac(), f.now);
    // A neighbour we are resolving announces itself (a gratuitous ARP, or a request for someone else): that
    // answers our question as well as a reply would.
    const bool awaited = std::any_of(resolving_.begin(), resolving_.end(),
                                     [&](const Resolution& r) { return r.nic == f.nic && r.ip == sender; });
    if ((for_us || awaited) && !merged) cache_.insert(f.nic, sender, arp->sender_mac(), f.now);
    if (merged || for_us || awaited) flush(f.nic, sender, arp->sender_mac(), f.now);
  }
  if (!for_us) {
    if (our) return ctx_.drop(f, Layer::Arp, Reason::ArpNotForUs);
    return;  // no address here (replay, unconfigured): seen and learned from, nothing to answer
  }
  if (op == 1 && config_.answer)
    send_arp(f.nic, wire::ArpOp::Reply, arp->sender_mac(), sender, *our, arp->sender_mac(), f.now);
}

void ArpLayer::send_arp(core::NicId nic, wire::ArpOp op, wire::MacAddress target_mac,
                        wire::Ipv4Address target_ip, wire::Ipv4Address sender_ip, wire::MacAddress link_dst,
                        core::Instant now) {
  auto p = ctx_.pool.allocate(wire::kArpLen);
  if (!p) return ctx_.drop_tx(now, Layer::Arp, Reason::NicNoBuffer);
  p->id = ctx_.new_packet_id();
  wire::ArpPacket pkt{op, ethernet_.mac(nic), sender_ip, target_mac, target_ip};
  pkt.emit(p->append(wire::kArpLen));
  p->set_mark(&core::LayerMarks::net);
  ctx_.sent(now, Layer::Arp, op == wire::ArpOp::Request ? Counter::ArpRequestTx : Counter::ArpReplyTx, *p,
            nic);
  ctx_.counters.inc(Counter::ArpTx);
  (void)ethernet_.send(nic, link_dst, wire::ether_type::kArp, std::move(*p), now);
}

core::Result<void> ArpLayer::send_ipv4_other(core::NicId nic, wire::Ipv4Address next_hop, core::PacketBuf&& p,
                                             core::Instant now, bool link_broadcast) {
  if (ethernet_.link_type(nic) != nic::LinkType::Ethernet)
    return ethernet_.send(nic, {}, wire::ether_type::kIpv4, std::move(p), now);
  if (link_broadcast || next_hop.is_broadcast())
    return ethernet_.send(nic, wire::MacAddress::broadcast(), wire::ether_type::kIpv4, std::move(p), now);
  if (next_hop.is_multicast()) {
    // RFC 1112 §6.4: 01:00:5e + the low 23 bits of the group address.
    const auto v = next_hop.value;
    wire::MacAddress m{{0x01, 0x00, 0x5e, static_cast<std::uint8_t>((v >> 16) & 0x7f),
                        static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
    return ethernet_.send(nic, m, wire::ether_type::kIpv4, std::move(p), now);
  }
  if (const wire::MacAddress* mac = cache_.lookup(nic, next_hop, now))
    return ethernet_.send(nic, *mac, wire::ether_type::kIpv4, std::move(p), now);

  if (pending_.size() >= config_.max_pending) {
    ctx_.drop_tx(now, Layer::Arp, Reason::ArpQueueFull, &p);
    return core::fail(Reason::ArpQueueFull);
  }
  ctx_.counters.inc(Counter::ArpQueued);
  if (ctx_.tracer.on()) [[unlikely]]
    ctx_.tracer.packet(now, Layer::Arp, core::Dir::Tx, core::TraceKind::Queue, p.id, p.bytes(), p.marks(),
                       Reason::None, nic);
  pending_.push_back(Pending{nic, next_hop, std::move(p)});
  const bool resolving = std::any_of(resolving_.begin(), resolving_.end(),
                                     [&](const Resolution& r) { return r.nic == nic && r.ip == next_hop; });
  if (!resolving) {
    resolving_.push_back(Resolution{nic, next_hop, 1, now + config_.retry_interval});
    send_arp(nic, wire::ArpOp::Request, {}, next_hop, address(nic).value_or(wire::Ipv4Address{}),
             wire::MacAddress::broadcast(), now);
  }
  return {};
}

bool ArpLayer::can_take(core::NicId nic, wire::Ipv4Address next_hop, std::size_t packets, core::Instant now) {
  if (ethernet_.link_type(nic) != nic::LinkType::Ethernet || next_hop.is_broadcast() ||
      next_hop.is_multicast())
    return true;
  if (cache_.lookup(nic, next_hop, now)) return true;
  return pending_.size() + packets <= config_.max_pending;
}

void ArpLayer::flush(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now) {
  std::erase_if(resolving_, [&](const Resolution& r) { return r.nic == nic && r.ip == ip; });
  // Send in arrival order; pending_ is small and bounded.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->nic == nic && it->ip == ip) {
      auto pkt = std::move(it->packet);
      it = pending_.erase(it);
      if (ctx_.tracer.on()) [[unlikely]]
        ctx_.tracer.packet(now, Layer::Arp, core::Dir::Tx, core::TraceKind::Dequeue, pkt.id, pkt.bytes(),
                           pkt.marks(), Reason::None, nic);
      (void)ethernet_.send(nic, mac, wire::ether_type::kIpv4, std::move(pkt), now);
    } else {
      ++it;
    }
  }
}

void ArpLayer::advance_due(core::Instant now) {
  ctx_.counters.inc(Counter::ArpExpired, cache_.expire(now));
  for (auto it = resolving_.begin(); it != resolving_.end();) {
    if (it->next_retry > now) {
      ++it;
      continue;
    }
    if (it->requests >= config_.max_requests) {
      const auto nic = it->nic;
      const auto ip = it->ip;
      it = resolving_.erase(it);
      for (auto p = pending_.begin(); p != pending_.end();) {
        if (p->nic == nic && p->ip == ip) {
          ctx_.drop_tx(now, Layer::Arp, Reason::ArpUnresolved, &p->packet);
          p = pending_.erase(p);
        } else {
          ++p;
        }
      }
      continue;
    }
    ++it->requests;
    it->next_retry = now + config_.retry_interval;
    ctx_.counters.inc(Counter::ArpRetry);
    send_arp(it->nic, wire::ArpOp::Request, {}, it->ip, address(it->nic).value_or(wire::Ipv4Address{}),
             wire::MacAddress::broadcast(), now);
    ++it;
  }
}

core::Instant ArpLayer::next_deadline_resolving() const {
  core::Instant t = cache_.next_deadline_or_never();
  for (const auto& r : resolving_) t = std::min(t, r.next_retry);
  return t;
}

}  // namespace strata::link
