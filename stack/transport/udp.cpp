// SPDX-License-Identifier: MIT
#include "stack/transport/udp.hpp"

#include <cstring>

#include "stack/core/rx_report.hpp"
#include "stack/transport/transport_report.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/udp.hpp"

namespace strata::transport {

using core::Counter;
using core::Errno;
using core::Layer;
using core::Reason;

namespace {
constexpr std::size_t kMaxUdpPayload = 65535 - 20 - 8;  // RFC 768 length field minus IPv4 and UDP headers
}

UdpLayer::UdpLayer(core::StackContext& ctx, net::Ipv4Layer& ipv4, UdpConfig config)
    : ctx_(ctx), ipv4_(ipv4), config_(config) {}

UdpLayer::~UdpLayer() = default;

void UdpLayer::receive(core::RxFrame& f, wire::Ipv4View ip) {
  // The usual datagram (header and checksum sound, for an endpoint bound to its port and address, or to any,
  // with room in its queue, nobody reporting or tracing): its record queued first, so that the payload copy
  // is the last act, with no stack frame and no saved registers (a tail call into memcpy for a long one).
  // The rest goes to receive_general(), unchanged. It counts and marks the datagram as that path does.
  if (!f.observed) [[likely]] {
    const auto seg = ip.payload();
    auto udp = wire::UdpView::parse(seg);
    if (udp && udp->check_length(seg.size()) && (udp->checksum() == 0 || udp->checksum_ok(ip)))
      if (Ep* ep = find(udp->dst_port()); ep != nullptr) {
        const Endpoint from{ip.src(), udp->src_port()};
        const core::Bytes payload = udp->payload();
        std::byte* at = nullptr;
        if ((ep->local.addr.is_any() || ep->local.addr == ip.dst()) && (!ep->remote || *ep->remote == from))
          at = ep->queue.reserve(payload.size(), from);
        if (at != nullptr) [[likely]] {
          f.top = Layer::Udp;
          ctx_.counters.inc(Counter::UdpRx);
          f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + wire::kUdpHeaderLen);
          ctx_.counters.inc(Counter::UdpDelivered);
          return core::copy_bytes(at, payload.data(), payload.size());
        }
      }
  }
  receive_general(f, ip);
}

void UdpLayer::receive_general(core::RxFrame& f, wire::Ipv4View ip) {
  const auto seg = ip.payload();
  ctx_.enter(f, Layer::Udp, Counter::UdpRx, seg);
  auto udp = wire::UdpView::parse(seg);
  if (!udp) return ctx_.drop(f, Layer::Udp, udp.error());
  if (f.report) [[unlikely]]
    report(f, net::ReportedSegment::of(ip));
  if (auto len = udp->check_length(seg.size()); !len) return ctx_.drop(f, Layer::Udp, len.error());
  // RFC 768: a zero checksum field means the sender computed none.
  if (udp->checksum() != 0 && !udp->checksum_ok(ip)) return ctx_.drop(f, Layer::Udp, Reason::UdpBadChecksum);
  f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + wire::kUdpHeaderLen);

  Ep* ep = find(udp->dst_port());
  const Endpoint from{ip.src(), udp->src_port()};
  if (ep != nullptr && !ep->local.addr.is_any() && ep->local.addr != ip.dst() && !ip.dst().is_broadcast())
    ep = nullptr;
  if (ep != nullptr && ep->remote && *ep->remote != from) ep = nullptr;
  if (ep == nullptr) {
    if (config_.accept_unbound) return;
    ctx_.drop(f, Layer::Udp, Reason::UdpPortUnreachable);
    // RFC 1122 §4.1.3.1: port unreachable, but never for a broadcast or multicast datagram.
    if (ip.dst().is_broadcast() || ip.dst().is_multicast()) return;
    return ipv4_.send_unreachable(f, ip, wire::icmp_code::kPortUnreachable);
  }
  if (!ep->queue.push(udp->payload(), from)) {
    ++ep->drops;
    ctx_.drop(f, Layer::Udp, Reason::UdpQueueFull);
    return;
  }
  ctx_.counters.inc(Counter::UdpDelivered);
  // The top of the receive path: the payload now sits in the socket's queue (its one copy).
  if (ctx_.tracer.on()) [[unlikely]]
    ctx_.tracer.packet(f.now, Layer::Socket, core::Dir::Rx, core::TraceKind::Queue, f.id, udp->payload(),
                       f.marks, Reason::None, f.nic);
}

void UdpLayer::receive_error(core::RxFrame&, const net::IcmpErrorInfo& e) {
  // (A reporter was shown the quoted header already: Icmp::report -> Ipv4Layer::report_quote -> report().)
  // The quoted datagram is one we sent: its source port is ours.
  if (e.quoted_l4.size() < wire::kUdpHeaderLen) return;
  const std::uint16_t sport = core::load_be16(e.quoted_l4, 0);
  const std::uint16_t dport = core::load_be16(e.quoted_l4, 2);
  Ep* ep = find(sport);
  if (ep == nullptr || !ep->remote) return;
  if (ep->remote->addr != e.quoted.dst() || ep->remote->port != dport) return;
  // RFC 1122 §4.1.3.3: report ICMP errors to the application; Linux does so on connected sockets only.
  if (e.type == wire::icmp_type::kDestUnreachable) {
    ep->pending_error =
        (e.code == wire::icmp_code::kPortUnreachable || e.code == wire::icmp_code::kProtocolUnreachable)
            ? Errno::ECONNREFUSED_
            : Errno::EHOSTUNREACH_;
  }
}

void UdpLayer::report(core::RxFrame& f, const net::ReportedSegment& s) {
  report_udp(*f.report, s.bytes, s.length, s.src, s.dst, source_of(s));
}

core::Result<UdpId, Errno> UdpLayer::open() {
  return open_endpoint(eps_, config_.max_endpoints, config_);
}

void UdpLayer::close(UdpId id) {
  if (!valid(id)) return;
  auto& ep = *eps_[id];
  if (ep.bound) {
    ports_.release(ep.local.port);
    by_port_[ep.local.port] = nullptr;
  }
  eps_[id].reset();
}

core::Result<void, Errno> UdpLayer::bind(UdpId id, Endpoint local) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  if (ep.bound) return core::fail(Errno::EINVAL_);
  if (!local.addr.is_any() && !ipv4_.is_local(local.addr) && !ipv4_.config().accept_any_destination)
    return core::fail(Errno::EADDRNOTAVAIL_);
  if (local.port == 0) {
    auto p = ports_.reserve_ephemeral(ctx_.rng);
    if (!p) return core::fail(Errno::EADDRINUSE_);
    local.port = *p;
  } else if (!ports_.reserve(local.port)) {
    return core::fail(Errno::EADDRINUSE_);
  }
  if (by_port_.empty()) by_port_.assign(65536, nullptr);
  by_port_[local.port] = &ep;
  ep.local = local;
  ep.bound = true;
  return {};
}

core::Result<void, Errno> UdpLayer::connect(UdpId id, Endpoint remote) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  if (remote.port == 0) return core::fail(Errno::EINVAL_);
  auto& ep = *eps_[id];
  if (!ep.bound)
    if (auto b = bind(id, Endpoint{}); !b) return b;
  ep.remote = remote;
  ep.pending_error = Errno::Ok;
  return {};
}

core::Result<std::size_t, Errno> UdpLayer::send(UdpId id, core::Bytes data, core::Instant now) {
  return send_datagram(id, data, nullptr, now);
}

core::Result<std::size_t, Errno> UdpLayer::send_to(UdpId id, core::Bytes data, Endpoint to,
                                                   core::Instant now) {
  return send_datagram(id, data, &to, now);
}

// Inlined into send() and send_to(): each is one call from the socket facade down to IPv4.
[[gnu::always_inline]] inline core::Result<std::size_t, Errno> UdpLayer::send_datagram(UdpId id,
                                                                                       core::Bytes data,
                                                                                       const Endpoint* to,
                                                                                       core::Instant now) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  if (ep.pending_error != Errno::Ok) [[unlikely]]
    return core::fail(take_error(ep));
  if (!to) {
    if (!ep.remote) return core::fail(Errno::EDESTADDRREQ_);
    to = &*ep.remote;
  }
  if (to->port == 0) return core::fail(Errno::EINVAL_);
  if (data.size() > kMaxUdpPayload) return core::fail(Errno::EMSGSIZE_);
  if (!ep.bound) [[unlikely]]
    if (auto b = bind(id, Endpoint{}); !b) return core::fail(b.error());
  // One route lookup gives both a wildcard-bound socket its source address and IPv4 its way out.
  // Its interface once, for both too (IPv4 would check the route's interface again).
  const auto route = ipv4_.routes().lookup(to->addr);
  const net::Ipv4Interface* iface = route ? ipv4_.interface_of(*route) : nullptr;
  auto src = ep.local.addr;
  if (src.is_any()) {
    if (iface == nullptr || !iface->addr) return core::fail(Errno::ENETUNREACH_);
    src = iface->addr->address;
  }
  auto p = ctx_.pool.allocate(wire::kUdpHeaderLen + data.size());
  if (!p) return core::fail(Errno::ENOBUFS_);
  p->id = ctx_.new_packet_id();
  auto out = p->append(wire::kUdpHeaderLen + data.size());
  // (A loop that copies and sums in one pass costs more than a copy and the sum: the copy moves 16 or 32
  // bytes at a time, and the sum adds straight from memory.)
  core::copy_bytes(out.data() + wire::kUdpHeaderLen, data.data(), data.size());
  // The boundary socket -> transport: the data leaves the socket (the facade traces the call itself on
  // return).
  if (ctx_.tracer.on()) [[unlikely]]
    ctx_.tracer.packet(now, Layer::Socket, core::Dir::Tx, core::TraceKind::Send, p->id, data,
                       core::LayerMarks{});
  wire::UdpHeader h{ep.local.port, to->port, static_cast<std::uint16_t>(out.size())};
  h.emit_with_payload(out, src, to->addr, data);
  p->set_mark(&core::LayerMarks::transport);
  p->set_mark(&core::LayerMarks::payload, wire::kUdpHeaderLen);
  ctx_.sent(now, Layer::Udp, Counter::UdpTx, *p);
  if (auto r =
          ipv4_.send_via(src, to->addr, wire::ip_proto::kUdp, config_.ttl, route, iface, std::move(*p), now);
      !r) {
    switch (r.error()) {
      case Reason::Ipv4NoRoute:
        return core::fail(Errno::ENETUNREACH_);
      case Reason::Ipv4FragmentNeeded:
      case Reason::Ipv4FragmentTooLarge:
        return core::fail(Errno::EMSGSIZE_);
      case Reason::ArpQueueFull:
      case Reason::NicNoBuffer:
      case Reason::NicQueueFull:
        return core::fail(Errno::ENOBUFS_);
      default:
        break;  // dropped further down (a lossy NIC): UDP does not know, as on a real host
    }
  }
  return data.size();
}

std::optional<Endpoint> UdpLayer::local(UdpId id) const {
  if (!valid(id) || !eps_[id]->bound) return std::nullopt;
  Endpoint l = eps_[id]->local;
  // As Linux: once connected, a socket bound to the wildcard reports the source address of its route.
  if (l.addr.is_any() && eps_[id]->remote)
    if (auto src = ipv4_.source_for(eps_[id]->remote->addr)) l.addr = *src;
  return l;
}
std::optional<Endpoint> UdpLayer::remote(UdpId id) const {
  return valid(id) ? eps_[id]->remote : std::nullopt;
}
std::uint64_t UdpLayer::queue_drops(UdpId id) const {
  return valid(id) ? eps_[id]->drops : 0;
}
std::size_t UdpLayer::queued(UdpId id) const {
  return valid(id) ? eps_[id]->queue.size() : 0;
}

}  // namespace strata::transport
