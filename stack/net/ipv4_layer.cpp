// SPDX-License-Identifier: MIT
#include "stack/net/ipv4_layer.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "stack/core/rx_report.hpp"
#include "stack/net/icmp.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"

namespace strata::net {

using core::Counter;
using core::Layer;
using core::Reason;

namespace {

/// The length the frame's IPv4 part had on the wire (Wireshark's "reported length"), of which a capture cut
/// by its snaplen holds only the start. The captured bytes when the reporter did not give the frame's length.
std::size_t reported_length(const core::RxFrame& f) {
  const std::size_t captured = f.bytes.size() - f.marks.net;
  const std::size_t frame_len = f.report->frame_len;
  return frame_len > f.marks.net + captured ? frame_len - f.marks.net : captured;
}

}  // namespace

Ipv4Layer::Ipv4Layer(core::StackContext& ctx, link::ArpLayer& arp, Ipv4Config config)
    : ctx_(ctx),
      arp_(arp),
      config_(config),
      reassembler_(ctx.pool, config.reassembly),
      next_ident_(static_cast<std::uint16_t>(ctx.rng.next())) {}

void Ipv4Layer::set_interface(core::NicId nic, Ipv4Interface iface) {
  if (ifaces_.size() <= nic.value) {
    ifaces_.resize(nic.value + 1);
    link_broadcast_.resize(nic.value + 1, kNoLinkBroadcast);
  }
  if (const auto& old = ifaces_[nic.value].addr) routes_.remove(*old, nic);
  ifaces_[nic.value] = iface;
  // /31 and /32 have no broadcast address (RFC 3021).
  link_broadcast_[nic.value] =
      iface.addr && iface.addr->prefix < 31 ? iface.addr->broadcast().value : kNoLinkBroadcast;
  if (iface.addr) routes_.add(Route{*iface.addr, std::nullopt, nic, 0});
  local_.clear();
  for (const auto& i : ifaces_)
    if (i.addr) {
      local_.push_back(i.addr->address);
      // /31 and /32 have no broadcast address (RFC 3021).
      if (i.addr->prefix < 31) local_.push_back(i.addr->broadcast());
    }
}

bool Ipv4Layer::is_our_address(wire::Ipv4Address a) const {
  for (const auto& i : ifaces_)
    if (i.addr && i.addr->address == a) return true;
  return false;
}

bool Ipv4Layer::is_directed_broadcast(wire::Ipv4Address a) const {
  // /31 and /32 have no broadcast address (RFC 3021).
  for (const auto& i : ifaces_)
    if (i.addr && i.addr->prefix < 31 && i.addr->broadcast() == a) return true;
  return false;
}

std::uint16_t Ipv4Layer::mtu_for(wire::Ipv4Address dst) const {
  auto r = routes_.lookup(dst);
  if (!r || r->nic.value >= ifaces_.size()) return 0;
  return ifaces_[r->nic.value].mtu;
}

// Only called in this file (and on every delivered datagram): inlined into receive().
[[gnu::always_inline]] inline void Ipv4Layer::deliver_local(core::RxFrame& f, const wire::Ipv4View& ip) {
  f.marks.transport = static_cast<std::uint16_t>(f.marks.net + ip.header_len());
  ctx_.counters.inc(Counter::Ipv4Delivered);
  L4Handler* h = table_[ip.protocol()];
  if (h == nullptr) {
    send_unreachable(f, ip, wire::icmp_code::kProtocolUnreachable);
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4UnknownProtocol);
  }
  h->receive(f, ip);
}

void Ipv4Layer::send_unreachable(const core::RxFrame& f, const wire::Ipv4View& ip, std::uint8_t code) {
  // No ICMP error about a link-layer broadcast, nor from an observer (it answers nothing); send_error itself
  // refuses broadcast and multicast destinations.
  if (f.link_group || config_.accept_any_destination || icmp_ == nullptr) return;
  icmp_->send_error(wire::icmp_type::kDestUnreachable, code, ip, f.now);
}

void Ipv4Layer::receive(core::RxFrame& f, link::LinkHeader link, core::Bytes payload) {
  // The usual datagram (unicast on the link, to one of our addresses, a 20-byte header whose checksum
  // holds, whole, not a fragment, of a registered protocol, nobody reporting or tracing) with no call but the
  // transport's, a tail call; the rest out of line, where drops, reports, traces, reassembly and forwarding
  // need a stack frame and saved registers. It counts and marks the datagram as the general path does.
  if (!f.observed && !link.broadcast && !link.multicast) [[likely]] {
    auto ip = wire::Ipv4View::parse_plain(payload);
    if (ip && ip->checksum_ok() && !local_.empty() && ip->dst() == local_.front() &&
        !ip->src().is_broadcast() && !ip->src().is_multicast() && !config_.accept_any_destination)
      if (L4Handler* h = table_[ip->protocol()]) [[likely]] {
        f.top = Layer::Ipv4;
        ctx_.counters.inc(Counter::Ipv4Rx);
        f.marks.transport = static_cast<std::uint16_t>(f.marks.net + wire::kIpv4MinHeaderLen);
        ctx_.counters.inc(Counter::Ipv4Delivered);
        return h->receive(f, *ip);
      }
  }
  receive_general(f, link, payload);
}

void Ipv4Layer::receive_general(core::RxFrame& f, link::LinkHeader link, core::Bytes payload) {
  ctx_.enter(f, Layer::Ipv4, Counter::Ipv4Rx, payload);
  // RFC 1122 §3.2.2 / RFC 1812 §4.3.2.7: no ICMP error about a datagram sent as a link-layer broadcast (the
  // transport's send_unreachable() reads it from the frame).
  const bool link_broadcast = link.broadcast || link.multicast;
  if (link_broadcast) f.link_group = true;
  if (f.report) [[unlikely]]
    report_header(f, payload);
  auto ip = wire::Ipv4View::parse(payload);
  if (!ip) [[unlikely]] {
    // A total length of 0 (parse() checked all the rest) is a TSO/GSO super-packet captured before the NIC
    // cut it into segments: no host receives it, but Wireshark dissects it.
    if (f.report && ip.error() == Reason::Ipv4BadTotalLength && core::load_be16(payload, 2) == 0)
      return drop_and_report_tso(f, payload);
    return ctx_.drop(f, Layer::Ipv4, ip.error());
  }
  const bool checksum_ok = ip->checksum_ok();
  if (f.report) [[unlikely]]
    f.report->ip_check = checksum_ok ? core::RxReport::kGood : core::RxReport::kBad;
  // RFC 1122 §3.2.1.2: a datagram whose header checksum fails is silently discarded.
  if (!checksum_ok) [[unlikely]]
    return drop_and_report(f, *ip, Reason::Ipv4BadChecksum);
  if (ip->truncated()) [[unlikely]]
    return drop_and_report(f, *ip, Reason::Ipv4Truncated);
  const bool local = config_.accept_any_destination || is_local(ip->dst());
  if (!local) {
    if (config_.forward) return forward(f, *ip, link_broadcast);
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4NotForUs);
  }
  // RFC 1122 §3.2.1.3: a source that is broadcast or multicast is not a host.
  if (!config_.accept_any_destination && (ip->src().is_broadcast() || ip->src().is_multicast()))
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4BadSource);

  if (ip->is_fragment()) {
    ctx_.counters.inc(Counter::Ipv4FragmentRx);
    auto res = reassembler_.add(*ip, f.nic, f.now);
    switch (res.kind) {
      case ReassemblyResult::Kind::Dropped:
        return ctx_.drop(f, Layer::Ipv4, res.reason);
      case ReassemblyResult::Kind::Held:
        f.verdict = core::Verdict::Reassembling;
        if (ctx_.tracer.on()) [[unlikely]]
          ctx_.tracer.packet(f.now, Layer::Ipv4, core::Dir::Rx, core::TraceKind::Queue, f.id, payload,
                             f.marks, Reason::None, f.nic);
        return;
      case ReassemblyResult::Kind::Complete: {
        ctx_.counters.inc(Counter::Ipv4Reassembled);
        auto whole = wire::Ipv4View::parse(res.datagram);
        if (!whole) return ctx_.drop(f, Layer::Ipv4, whole.error());
        // From here the frame is the reassembled datagram.
        f.bytes = res.datagram;
        f.marks = core::LayerMarks{};
        f.marks.net = 0;
        return deliver_local(f, *whole);
      }
    }
  }
  deliver_local(f, *ip);
}

void Ipv4Layer::report_header(const core::RxFrame& f, core::Bytes b) {
  // Wireshark shows the fields whose bytes are there, and none of a header that is not IPv4 at all.
  using R = core::RxReport;
  R& r = *f.report;
  // The first IPv4 header of the frame is the one reported (an inner header of a tunnel is not).
  if (r.has_any(R::kIpAny) || b.empty() || (core::load_u8(b, 0) >> 4) != 4) return;
  r.ip_hdr_len = static_cast<std::uint8_t>((core::load_u8(b, 0) & 0xf) * 4);
  r.has |= R::kIpHdrLen;
  if (r.ip_hdr_len < wire::kIpv4MinHeaderLen || b.size() < 4) return;
  r.ip_len = core::load_be16(b, 2);
  // Wireshark's TSO support (on by default): a total length of 0 stands for the length on the wire, which
  // exceeds 65535 for BIG TCP.
  if (r.ip_len == 0) r.ip_len = static_cast<std::uint32_t>(reported_length(f));
  r.has |= R::kIpLen;
  if (r.ip_len < r.ip_hdr_len) return;
  if (b.size() >= 6) r.ip_id = core::load_be16(b, 4), r.has |= R::kIpId;
  if (b.size() >= 8) {
    r.ip_df = (core::load_u8(b, 6) & 0x40) != 0;
    r.ip_mf = (core::load_u8(b, 6) & 0x20) != 0;
    r.ip_frag_offset = core::load_be16(b, 6) & 0x1fff;
    r.has |= R::kIpFlags;
  }
  if (b.size() >= 9) r.ip_ttl = core::load_u8(b, 8), r.has |= R::kIpTtl;
  if (b.size() >= 10) r.ip_proto = core::load_u8(b, 9), r.has |= R::kIpProto;
  if (b.size() >= 12) r.ip_check = core::RxReport::kUnverified, r.has |= R::kIpCheck;
  if (b.size() >= 16) r.ip_src = core::load_be32(b, 12), r.has |= R::kIpSrc;
  if (b.size() >= 20) r.ip_dst = core::load_be32(b, 16), r.has |= R::kIpDst;
}

void Ipv4Layer::drop_and_report(core::RxFrame& f, const wire::Ipv4View& ip, core::Reason reason) {
  ctx_.drop(f, Layer::Ipv4, reason);
  // The datagram stops here, but a reporter still shows what it carries (Wireshark dissects above a bad or
  // cut header): the transport reads its own header without acting on it. Non-first fragments carry none.
  if (f.report && ip.frag_offset() == 0)
    if (L4Handler* h = table_[ip.protocol()]) {
      auto segment = ReportedSegment::of(ip);
      // Wireshark bounds the IP payload by the frame's length on the wire too (a frame shorter than its
      // total length says).
      segment.length = std::min(segment.length, reported_length(f) - ip.header_len());
      h->report(f, segment);
    }
}

void Ipv4Layer::drop_and_report_tso(core::RxFrame& f, core::Bytes b) {
  ctx_.drop(f, Layer::Ipv4, Reason::Ipv4BadTotalLength);
  core::RxReport& r = *f.report;
  // Ipv4View::parse() refused only the total length: the whole header is there.
  const std::size_t hlen = (core::load_u8(b, 0) & 0xf) * 4u;
  const bool checksum_ok = wire::ones_sum(b.first(hlen)) == 0xffff;
  r.ip_check = checksum_ok ? core::RxReport::kGood : core::RxReport::kBad;
  // Wireshark takes the length on the wire for the total length and dissects the transport above it, except
  // in a fragment it would reassemble (header checksum good, all of it captured) or a non-first one.
  const std::size_t length = reported_length(f);
  const std::uint16_t flags = core::load_be16(b, 6);
  const bool more_fragments = (flags & 0x2000) != 0;
  if ((flags & 0x1fff) != 0 || (more_fragments && checksum_ok && b.size() >= length)) return;
  L4Handler* h = table_[core::load_u8(b, 9)];
  if (h == nullptr) return;
  h->report(f, ReportedSegment{b.subspan(hlen), length - hlen, wire::Ipv4Address::load(b.data() + 12),
                               wire::Ipv4Address::load(b.data() + 16), more_fragments});
}

void Ipv4Layer::deliver_error(core::RxFrame& f, const IcmpErrorInfo& e) {
  if (L4Handler* h = table_[e.quoted.protocol()]) h->receive_error(f, e);
}

void Ipv4Layer::report_quote(core::RxFrame& f, core::Bytes quoted) {
  auto ip = wire::Ipv4View::parse(quoted);
  // Wireshark shows no transport header inside a quoted fragment, first or not. A bad checksum of the quoted
  // header does not matter.
  if (!ip || ip->is_fragment()) return;
  if (L4Handler* h = table_[ip->protocol()]) h->report(f, ReportedSegment::quote(*ip));
}

void Ipv4Layer::forward(core::RxFrame& f, const wire::Ipv4View& ip, bool link_broadcast) {
  // RFC 1812 §5.3.4: a unicast datagram that came as a link-layer broadcast is not forwarded.
  if (link_broadcast) return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4LinkBroadcast);
  // RFC 1812 §5.3.1: a datagram whose TTL would reach zero is discarded with ICMP time exceeded.
  if (ip.ttl() <= 1) {
    if (icmp_) icmp_->send_error(wire::icmp_type::kTimeExceeded, wire::icmp_code::kTtlExceeded, ip, f.now);
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4TtlExceeded);
  }
  auto route = routes_.lookup(ip.dst());
  if (!route) {
    if (icmp_)
      icmp_->send_error(wire::icmp_type::kDestUnreachable, wire::icmp_code::kNetUnreachable, ip, f.now);
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4NoRoute);
  }
  const std::uint16_t mtu = ifaces_[route->nic.value].mtu;
  if (ip.total_length() > mtu && ip.dont_fragment()) {
    if (icmp_)
      icmp_->send_error(wire::icmp_type::kDestUnreachable, wire::icmp_code::kFragmentationNeeded, ip, f.now,
                        mtu);
    return ctx_.drop(f, Layer::Ipv4, Reason::Ipv4FragmentNeeded);
  }
  // The received bytes are borrowed: the forwarded payload is copied once into a packet of its own.
  const auto body = ip.payload();
  auto p = ctx_.pool.allocate(body.size());
  if (!p) return ctx_.drop(f, Layer::Ipv4, Reason::NicNoBuffer);
  p->id = f.id;
  std::memcpy(p->append(body.size()).data(), body.data(), body.size());
  auto h = wire::Ipv4Header::from(ip);
  h.ttl = static_cast<std::uint8_t>(ip.ttl() - 1);
  ctx_.counters.inc(Counter::Ipv4Forwarded);
  (void)output(route->nic, route->next_hop, h, std::move(*p), f.now, false);
}

core::Result<void> Ipv4Layer::send(const Ipv4SendParams& p, core::PacketBuf&& payload, core::Instant now) {
  std::optional<RouteMatch> route;
  if (p.nic) {
    route = RouteMatch{*p.nic, p.dst, nullptr};
  } else {
    route = routes_.lookup(p.dst);
  }
  return send_via(p, route, std::move(payload), now);
}

core::Result<void> Ipv4Layer::send_routed(const Ipv4SendParams& p, const std::optional<RouteMatch>& route,
                                          core::PacketBuf&& payload, core::Instant now) {
  if (!route || route->nic.value >= ifaces_.size()) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::Ipv4NoRoute, &payload);
    return core::fail(Reason::Ipv4NoRoute);
  }
  const auto& iface = ifaces_[route->nic.value];
  const wire::Ipv4Header h = header_for(p, iface, payload.size());
  return output(route->nic, route->next_hop, h, std::move(payload), now,
                is_link_broadcast(p.dst, route->nic));
}

core::Result<void> Ipv4Layer::send_routed(ScalarSend s, core::PacketBuf&& payload, core::Instant now) {
  Ipv4SendParams p;
  p.src = s.src;
  p.dst = s.dst;
  p.protocol = s.protocol;
  p.ttl = s.ttl;
  return send_routed(p, routes_.lookup(s.dst), std::move(payload), now);
}

// Inlined into send_routed() (and forward()): the header it builds then stays in registers for emit().
[[gnu::always_inline]] inline core::Result<void> Ipv4Layer::output(core::NicId nic,
                                                                   wire::Ipv4Address next_hop,
                                                                   const wire::Ipv4Header& base,
                                                                   core::PacketBuf&& payload,
                                                                   core::Instant now, bool link_broadcast) {
  const std::size_t hlen = base.wire_size();
  const std::size_t mtu = ifaces_[nic.value].mtu;
  // An MTU is at most 65535 (kIpv4MaxDatagram): a datagram within it needs no other length check.
  if (hlen + payload.size() <= mtu) [[likely]] {
    // base.total_length is already this datagram's (callers set it): emitting base itself, not a modified
    // copy, spares a bulk copy of a struct just written field by field (a store-forwarding stall).
    assert(base.total_length == hlen + payload.size());
    payload.set_mark(&core::LayerMarks::transport);
    base.emit(payload.push_front(hlen));
    payload.set_mark(&core::LayerMarks::net);
    ctx_.sent(now, Layer::Ipv4, Counter::Ipv4Tx, payload, nic);
    return arp_.send_ipv4(nic, next_hop, std::move(payload), now, link_broadcast);
  }
  if (hlen + payload.size() > wire::kIpv4MaxDatagram) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::Ipv4FragmentTooLarge, &payload);
    return core::fail(Reason::Ipv4FragmentTooLarge);
  }
  if (base.dont_fragment) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::Ipv4FragmentNeeded, &payload);
    return core::fail(Reason::Ipv4FragmentNeeded);
  }
  // RFC 791 §3.2 fragmentation: every fragment but the last carries a multiple of 8 payload bytes.
  const std::size_t chunk = ((mtu - hlen) / 8) * 8;
  if (chunk == 0) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::Ipv4FragmentNeeded, &payload);
    return core::fail(Reason::Ipv4FragmentNeeded);
  }
  const auto data = payload.bytes();
  // All fragments or none: a datagram missing a fragment only wastes the receiver's reassembly memory.
  const std::size_t count = (data.size() + chunk - 1) / chunk;
  if (!link_broadcast && !arp_.can_take(nic, next_hop, count, now)) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::ArpQueueFull, &payload);
    return core::fail(Reason::ArpQueueFull);
  }
  const int size_class = chunk + core::kMaxHeadroom <= core::BufferPool::kSmallSlot ? 0 : 1;
  if (ctx_.pool.free_slots(size_class) < count) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::NicNoBuffer, &payload);
    return core::fail(Reason::NicNoBuffer);
  }
  ctx_.counters.inc(Counter::Ipv4Fragmented);
  core::Result<void> result{};
  for (std::size_t off = 0; off < data.size(); off += chunk) {
    const std::size_t n = std::min(chunk, data.size() - off);
    auto frag = ctx_.pool.allocate(n);
    if (!frag) {
      ctx_.drop_tx(now, Layer::Ipv4, Reason::NicNoBuffer, &payload);
      return core::fail(Reason::NicNoBuffer);
    }
    frag->id = payload.id;
    std::memcpy(frag->append(n).data(), data.data() + off, n);
    wire::Ipv4Header h = base;
    h.total_length = static_cast<std::uint16_t>(hlen + n);
    h.frag_offset = static_cast<std::uint16_t>((base.frag_offset * 8 + off) / 8);
    h.more_fragments = base.more_fragments || off + n < data.size();
    h.emit(frag->push_front(hlen));
    frag->set_mark(&core::LayerMarks::net);
    ctx_.counters.inc(Counter::Ipv4FragmentTx);
    ctx_.sent(now, Layer::Ipv4, Counter::Ipv4Tx, *frag, nic);
    auto r = arp_.send_ipv4(nic, next_hop, std::move(*frag), now, link_broadcast);
    if (!r && result) result = r;
  }
  return result;
}

void Ipv4Layer::advance_due(core::Instant now) {
  reassembler_.expire(now, [&](const ExpiredDatagram& e) {
    ctx_.drop_tx(now, Layer::Ipv4, Reason::Ipv4ReassemblyTimeout);
    // RFC 792: time exceeded, code 1, only when fragment zero was received.
    if (e.first_fragment_prefix.empty() || icmp_ == nullptr || config_.accept_any_destination) return;
    if (auto ip = wire::Ipv4View::parse(e.first_fragment_prefix))
      icmp_->send_error(wire::icmp_type::kTimeExceeded, wire::icmp_code::kReassemblyExceeded, *ip, now);
  });
}

}  // namespace strata::net
