// SPDX-License-Identifier: MIT
// UDP (RFC 768, RFC 1122 §4.1): checksum over the pseudo-header (zero means none was sent), demux by local
// port to bound endpoints with bounded receive queues, port unreachable for closed ports (by disposition:
// IPv4 sends the ICMP), and ICMP errors turned into a pending ECONNREFUSED on connected endpoints.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "stack/core/errno.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/net/ipv4_layer.hpp"
#include "stack/net/l4_handler.hpp"
#include "stack/transport/datagram_queue.hpp"
#include "stack/transport/endpoint.hpp"
#include "stack/transport/port_table.hpp"

namespace strata::transport {

struct UdpConfig {
  std::size_t queue_datagrams = 128;  // per endpoint
  std::size_t queue_bytes = 256 * 1024;
  std::size_t max_endpoints = 1024;
  bool accept_unbound = false;  // replay: a datagram for no socket is still a delivered datagram
  std::uint8_t ttl = 64;
};

using UdpId = std::uint32_t;

/// What recv_from returns: who sent it, and how long the datagram was (it may exceed what was copied).
struct ReceivedDatagram {
  Endpoint from;
  std::size_t length = 0;
  std::size_t copied = 0;
};

class UdpLayer final : public net::L4Handler {
  struct Ep;

 public:
  /// An open endpoint as the socket facade keeps it beside its UdpId: recv_from, readable and has_error
  /// through it skip the endpoint table (one dependent load less on every call). Valid from open() until
  /// close() of its id.
  class Handle {
   public:
    Handle() = default;

   private:
    friend class UdpLayer;
    explicit Handle(Ep* ep) : ep_(ep) {}
    Ep* ep_ = nullptr;
  };

  UdpLayer(core::StackContext& ctx, net::Ipv4Layer& ipv4, UdpConfig config);
  ~UdpLayer() override;

  void receive(core::RxFrame& frame, wire::Ipv4View ip) override;
  void receive_error(core::RxFrame& frame, const net::IcmpErrorInfo& error) override;
  void report(core::RxFrame& frame, const net::ReportedSegment& segment) override;

  /// A new, unbound endpoint (its queue is allocated here, never per packet). EMFILE when at the cap.
  core::Result<UdpId, core::Errno> open();
  void close(UdpId id);
  /// Port 0 picks an ephemeral port. EADDRINUSE, EADDRNOTAVAIL (not one of our addresses), EINVAL (bound).
  core::Result<void, core::Errno> bind(UdpId id, Endpoint local);
  /// Sets the default destination and filters what is received to it; binds an ephemeral port if needed.
  core::Result<void, core::Errno> connect(UdpId id, Endpoint remote);
  /// EMSGSIZE above 65507 bytes, EDESTADDRREQ unconnected without `to`, ECONNREFUSED once after a port
  /// unreachable on a connected endpoint, ENETUNREACH without a route, ENOBUFS when the pool is empty.
  /// `to` by value, not an optional: the socket facade passes its caller's address on in a register, and
  /// its sendto() ends in a tail call here.
  core::Result<std::size_t, core::Errno> send_to(UdpId id, core::Bytes data, Endpoint to, core::Instant now);
  /// send_to() the connected remote (EDESTADDRREQ when not connected).
  core::Result<std::size_t, core::Errno> send(UdpId id, core::Bytes data, core::Instant now);
  /// Either of the two: `to` when given, else the connected remote.
  core::Result<std::size_t, core::Errno> send_to(UdpId id, core::Bytes data,
                                                 const std::optional<Endpoint>& to, core::Instant now) {
    return to ? send_to(id, data, *to, now) : send(id, data, now);
  }
  /// EAGAIN when the queue is empty; a pending error is reported first. Inline (below): the socket facade's
  /// recvfrom gets the datagram without a Result crossing a library boundary.
  core::Result<ReceivedDatagram, core::Errno> recv_from(UdpId id, core::MutBytes out);
  /// The same through a handle(id) of an open endpoint.
  core::Result<ReceivedDatagram, core::Errno> recv_from(Handle h, core::MutBytes out);
  /// The handle of an open endpoint (an empty one for an id that is not open).
  Handle handle(UdpId id) const { return valid(id) ? Handle(eps_[id].get()) : Handle(); }
  bool readable(Handle h) const { return !h.ep_->queue.empty(); }
  bool has_error(Handle h) const { return h.ep_->pending_error != core::Errno::Ok; }

  /// Inline: poll asks both after every simulated event that reached the host.
  bool readable(UdpId id) const { return valid(id) && !eps_[id]->queue.empty(); }
  bool has_error(UdpId id) const { return valid(id) && eps_[id]->pending_error != core::Errno::Ok; }
  std::optional<Endpoint> local(UdpId id) const;
  std::optional<Endpoint> remote(UdpId id) const;
  std::uint64_t queue_drops(UdpId id) const;
  std::size_t queued(UdpId id) const;
  bool valid(UdpId id) const { return id < eps_.size() && eps_[id] != nullptr; }

 private:
  /// receive() for the other datagrams: bad headers, closed ports, full queues, reports and traces.
  [[gnu::noinline]] void receive_general(core::RxFrame& frame, wire::Ipv4View ip);
  struct Ep {
    Ep(const UdpConfig& c) : queue(c.queue_datagrams, c.queue_bytes) {}
    Endpoint local;
    std::optional<Endpoint> remote;
    bool bound = false;
    core::Errno pending_error = core::Errno::Ok;
    std::uint64_t drops = 0;
    DatagramQueue queue;
  };
  /// send() and send_to(): `to` null means the connected remote.
  core::Result<std::size_t, core::Errno> send_datagram(UdpId id, core::Bytes data, const Endpoint* to,
                                                       core::Instant now);
  Ep* find(std::uint16_t port) const { return by_port_.empty() ? nullptr : by_port_[port]; }
  static core::Errno take_error(Ep& ep) {
    const auto e = ep.pending_error;
    ep.pending_error = core::Errno::Ok;
    return e;
  }

  core::StackContext& ctx_;
  net::Ipv4Layer& ipv4_;
  UdpConfig config_;
  PortTable ports_;
  std::vector<std::unique_ptr<Ep>> eps_;
  std::vector<Ep*> by_port_;  // port → bound endpoint (or null); allocated at the first bind
};

inline core::Result<ReceivedDatagram, core::Errno> UdpLayer::recv_from(UdpId id, core::MutBytes out) {
  if (!valid(id)) [[unlikely]]
    return core::fail(core::Errno::EBADF_);
  return recv_from(Handle(eps_[id].get()), out);
}

inline core::Result<ReceivedDatagram, core::Errno> UdpLayer::recv_from(Handle h, core::MutBytes out) {
  Ep& ep = *h.ep_;
  if (ep.pending_error != core::Errno::Ok) [[unlikely]]
    return core::fail(take_error(ep));
  if (ep.queue.empty()) return core::fail(core::Errno::EAGAIN_);
  const auto data = ep.queue.front_data();
  const std::size_t n = out.size() < data.size() ? out.size() : data.size();
  const ReceivedDatagram d{ep.queue.front().from, data.size(), n};
  // Popped before the copy: its bytes stay in the arena until the next datagram is queued. Copied last,
  // nothing is read back from memory after the byte stores (which may alias anything).
  ep.queue.pop();
  core::copy_bytes(out.data(), data.data(), n);
  return d;
}

}  // namespace strata::transport
