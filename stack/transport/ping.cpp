// SPDX-License-Identifier: MIT
#include "stack/transport/ping.hpp"

#include <algorithm>
#include <cstring>

#include "stack/wire/icmpv4.hpp"

namespace strata::transport {

using core::Counter;
using core::Errno;
using core::Layer;
using core::Reason;

namespace {

/// What a send that IPv4 refused tells the app (the same mapping as UDP's).
std::optional<Errno> errno_for_send(Reason r) {
  switch (r) {
    case Reason::Ipv4NoRoute:
      return Errno::ENETUNREACH_;
    case Reason::Ipv4FragmentNeeded:
    case Reason::Ipv4FragmentTooLarge:
      return Errno::EMSGSIZE_;
    case Reason::ArpQueueFull:
    case Reason::NicNoBuffer:
    case Reason::NicQueueFull:
      return Errno::ENOBUFS_;
    default:
      return std::nullopt;  // dropped further down (a lossy NIC): the sender does not know
  }
}

/// Linux's icmp_err_convert for the errors ping_err reports to a connected socket (the "hard" ones);
/// nullopt for the soft ones (fragmentation needed, time exceeded), which it keeps to IP_RECVERR.
std::optional<Errno> errno_for_icmp_error(std::uint8_t type, std::uint8_t code) {
  if (type != wire::icmp_type::kDestUnreachable) return std::nullopt;
  switch (code) {
    case wire::icmp_code::kNetUnreachable:
      return Errno::ENETUNREACH_;
    case wire::icmp_code::kPortUnreachable:
    case wire::icmp_code::kProtocolUnreachable:
      return Errno::ECONNREFUSED_;
    case wire::icmp_code::kFragmentationNeeded:
      return std::nullopt;
    default:
      return Errno::EHOSTUNREACH_;
  }
}

}  // namespace

PingLayer::PingLayer(core::StackContext& ctx, net::Ipv4Layer& ipv4, net::PingSocketConfig config)
    : ctx_(ctx), ipv4_(ipv4), config_(config) {}

PingLayer::~PingLayer() = default;

bool PingLayer::receive_echo_reply(core::RxFrame& f, const wire::Ipv4View& ip, const wire::Icmpv4View& msg) {
  // Linux's ping_lookup: the identifier names the socket; a socket bound to an address takes only replies
  // sent to that address.
  Ep* ep = find(msg.echo_id());
  if (ep == nullptr) return false;
  if (!ep->local.addr.is_any() && ep->local.addr != ip.dst()) return false;
  f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + wire::kIcmpHeaderLen);
  // The app reads the whole ICMP message, header included, as from a Linux ping socket.
  if (!ep->queue.push(msg.bytes(), Endpoint{ip.src(), 0})) {
    ++ep->drops;
    ++dropped_;
    ctx_.drop(f, Layer::Icmp, Reason::IcmpQueueFull);
    return true;
  }
  ++delivered_;
  if (ctx_.tracer.on()) [[unlikely]]
    ctx_.tracer.packet(f.now, Layer::Socket, core::Dir::Rx, core::TraceKind::Queue, f.id, msg.bytes(),
                       f.marks, Reason::None, f.nic);
  return true;
}

void PingLayer::receive_echo_error(core::RxFrame&, const net::IcmpErrorInfo& e) {
  // The quoted echo request carries our identifier at bytes 4-5 of its ICMP header.
  if (e.quoted_l4.size() < wire::kIcmpHeaderLen) return;
  Ep* ep = find(core::load_be16(e.quoted_l4, 4));
  if (ep == nullptr || !ep->remote || *ep->remote != e.quoted.dst()) return;
  // Linux (ping_err without IP_RECVERR): only hard errors, only on connected sockets.
  if (auto err = errno_for_icmp_error(e.type, e.code)) ep->pending_error = *err;
}

core::Result<PingId, Errno> PingLayer::open() {
  return open_endpoint(eps_, config_.max_sockets, config_);
}

void PingLayer::close(PingId id) {
  if (!valid(id)) return;
  auto& ep = *eps_[id];
  if (ep.bound) {
    idents_.release(ep.local.port);
    by_ident_[ep.local.port] = 0;
  }
  eps_[id].reset();
}

core::Result<void, Errno> PingLayer::bind(PingId id, Endpoint local) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  if (ep.bound) return core::fail(Errno::EINVAL_);
  if (!local.addr.is_any() && !ipv4_.is_local(local.addr) && !ipv4_.config().accept_any_destination)
    return core::fail(Errno::EADDRNOTAVAIL_);
  if (local.port == 0) {
    auto ident = idents_.reserve_ephemeral(ctx_.rng);
    if (!ident) return core::fail(Errno::EADDRINUSE_);
    local.port = *ident;
  } else if (!idents_.reserve(local.port)) {
    return core::fail(Errno::EADDRINUSE_);
  }
  if (by_ident_.empty()) by_ident_.assign(65536, 0);
  by_ident_[local.port] = id + 1;
  ep.local = local;
  ep.bound = true;
  return {};
}

core::Result<void, Errno> PingLayer::connect(PingId id, Endpoint remote) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  if (!ep.bound)
    if (auto b = bind(id, Endpoint{}); !b) return b;
  ep.remote = remote.addr;
  ep.pending_error = Errno::Ok;
  return {};
}

core::Result<std::size_t, Errno> PingLayer::send_to(PingId id, core::Bytes message,
                                                    std::optional<Endpoint> to, core::Instant now) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  // Linux's order (ping_v4_sendmsg, then ping_common_sendmsg): size, pending error, destination, header.
  if (message.size() > kMaxMessage) return core::fail(Errno::EMSGSIZE_);
  if (ep.pending_error != Errno::Ok) {
    const auto e = ep.pending_error;
    ep.pending_error = Errno::Ok;
    return core::fail(e);
  }
  wire::Ipv4Address dst;
  if (to) {
    dst = to->addr;
  } else if (ep.remote) {
    dst = *ep.remote;
  } else {
    return core::fail(Errno::EDESTADDRREQ_);
  }
  if (message.size() < wire::kIcmpHeaderLen) return core::fail(Errno::EINVAL_);
  auto request = wire::Icmpv4View::parse(message);
  if (!request || request->type() != wire::icmp_type::kEchoRequest || request->code() != 0)
    return core::fail(Errno::EINVAL_);
  if (!ep.bound)
    if (auto b = bind(id, Endpoint{}); !b) return core::fail(b.error());
  auto src = ep.local.addr;
  if (src.is_any()) {
    auto s = ipv4_.source_for(dst);
    if (!s) return core::fail(Errno::ENETUNREACH_);
    src = *s;
  }

  auto p = ctx_.pool.allocate(message.size());
  if (!p) return core::fail(Errno::ENOBUFS_);
  p->id = ctx_.new_packet_id();
  auto out = p->append(message.size());
  std::memcpy(out.data(), message.data(), message.size());
  // The boundary socket -> transport: the data leaves the socket (the facade traces the call itself on
  // return).
  if (ctx_.tracer.on()) [[unlikely]]
    ctx_.tracer.packet(now, Layer::Socket, core::Dir::Tx, core::TraceKind::Send, p->id, message,
                       core::LayerMarks{});
  // The identifier is the socket's, whatever the app wrote; its sequence number stays.
  const wire::Icmpv4Header h{wire::icmp_type::kEchoRequest, 0,
                             (std::uint32_t{ep.local.port} << 16) | request->echo_seq()};
  h.emit_with_checksum(out);
  p->set_mark(&core::LayerMarks::transport);
  p->set_mark(&core::LayerMarks::payload, wire::kIcmpHeaderLen);
  ctx_.sent(now, Layer::Icmp, Counter::IcmpTx, *p);
  net::Ipv4SendParams sp;
  sp.src = src;
  sp.dst = dst;
  sp.protocol = wire::ip_proto::kIcmp;
  sp.ttl = ipv4_.config().default_ttl;
  if (auto r = ipv4_.send(sp, std::move(*p), now); !r)
    if (auto e = errno_for_send(r.error())) return core::fail(*e);
  return message.size();
}

core::Result<ReceivedDatagram, Errno> PingLayer::recv_from(PingId id, core::MutBytes out) {
  if (!valid(id)) return core::fail(Errno::EBADF_);
  auto& ep = *eps_[id];
  if (ep.pending_error != Errno::Ok) {
    const auto e = ep.pending_error;
    ep.pending_error = Errno::Ok;
    return core::fail(e);
  }
  if (ep.queue.empty()) return core::fail(Errno::EAGAIN_);
  const auto data = ep.queue.front_data();
  const std::size_t n = std::min(out.size(), data.size());
  if (n) std::memcpy(out.data(), data.data(), n);
  ReceivedDatagram d{ep.queue.front().from, data.size(), n};
  ep.queue.pop();
  return d;
}

bool PingLayer::readable(PingId id) const {
  return valid(id) && !eps_[id]->queue.empty();
}
bool PingLayer::has_error(PingId id) const {
  return valid(id) && eps_[id]->pending_error != Errno::Ok;
}
std::optional<Endpoint> PingLayer::local(PingId id) const {
  if (!valid(id) || !eps_[id]->bound) return std::nullopt;
  return eps_[id]->local;
}
std::optional<Endpoint> PingLayer::remote(PingId id) const {
  if (!valid(id) || !eps_[id]->remote) return std::nullopt;
  return Endpoint{*eps_[id]->remote, 0};
}
std::uint64_t PingLayer::queue_drops(PingId id) const {
  return valid(id) ? eps_[id]->drops : 0;
}
std::size_t PingLayer::queued(PingId id) const {
  return valid(id) ? eps_[id]->queue.size() : 0;
}

}  // namespace strata::transport
