// SPDX-License-Identifier: MIT
// Ping sockets, as Linux's SOCK_DGRAM/IPPROTO_ICMP sockets (net/ipv4/ping.c, man 7 icmp): an unprivileged
// app sends ICMP echo requests it writes itself (type 8, code 0, its own sequence number and payload); the
// stack sets the identifier to the socket's "port" (bound, or picked like an ephemeral port at the first
// send), computes the checksum, and sends the message through the ordinary IPv4 path (routing, ARP,
// fragmentation). Echo replies whose identifier names an open socket are queued to it, bounded, drops
// counted; the app reads back the whole ICMP message and the sender's address.
// PingLayer is the endpoint table behind those sockets. It sits above net/: Icmp hands it echo replies
// through net::EchoReplyHandler, and it sends through Ipv4Layer like UDP. The socket facade wraps it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "stack/core/errno.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/net/icmp.hpp"
#include "stack/net/ipv4_layer.hpp"
#include "stack/transport/datagram_queue.hpp"
#include "stack/transport/endpoint.hpp"
#include "stack/transport/port_table.hpp"
#include "stack/transport/udp.hpp"

namespace strata::transport {

using PingId = std::uint32_t;

class PingLayer final : public net::EchoReplyHandler {
 public:
  /// The largest ICMP message one IPv4 datagram carries: 65 535 minus a 20-byte header.
  static constexpr std::size_t kMaxMessage = 65535 - 20;

  PingLayer(core::StackContext& ctx, net::Ipv4Layer& ipv4, net::PingSocketConfig config);
  ~PingLayer();

  bool receive_echo_reply(core::RxFrame& frame, const wire::Ipv4View& ip,
                          const wire::Icmpv4View& msg) override;
  void receive_echo_error(core::RxFrame& frame, const net::IcmpErrorInfo& error) override;

  /// A new, unbound endpoint (its queue is allocated here, never per packet). EMFILE at the cap.
  core::Result<PingId, core::Errno> open();
  /// Frees the endpoint and its identifier.
  void close(PingId id);
  /// local.port is the ICMP identifier; 0 picks a free one. EADDRINUSE (identifier taken), EADDRNOTAVAIL
  /// (not one of our addresses), EINVAL (already bound).
  core::Result<void, core::Errno> bind(PingId id, Endpoint local);
  /// Sets the default destination (its port is ignored); binds an identifier if needed.
  core::Result<void, core::Errno> connect(PingId id, Endpoint remote);
  /// `message` is an ICMP echo request as the app wrote it (8-byte header + payload). Its identifier and
  /// checksum are overwritten; `to.port` is ignored. EINVAL when shorter than 8 bytes or not type 8 code 0,
  /// EMSGSIZE above kMaxMessage, EDESTADDRREQ without `to` on an unconnected endpoint, a pending error
  /// (EHOSTUNREACH, ECONNREFUSED after an ICMP error on a connected endpoint) once, ENETUNREACH without a
  /// route, ENOBUFS when the pool or a queue below is full. Returns message.size().
  core::Result<std::size_t, core::Errno> send_to(PingId id, core::Bytes message, std::optional<Endpoint> to,
                                                 core::Instant now);
  /// Copies the oldest echo reply (ICMP header + payload) into `out`; from = {sender, 0}. EAGAIN when none.
  core::Result<ReceivedDatagram, core::Errno> recv_from(PingId id, core::MutBytes out);

  bool readable(PingId id) const;
  bool has_error(PingId id) const;
  /// {bound address, identifier}, or nullopt before the identifier is chosen.
  std::optional<Endpoint> local(PingId id) const;
  std::optional<Endpoint> remote(PingId id) const;
  std::uint64_t queue_drops(PingId id) const;
  std::size_t queued(PingId id) const;
  bool valid(PingId id) const { return id < eps_.size() && eps_[id] != nullptr; }
  /// Echo replies queued to ping sockets, and those dropped because a socket's queue was full.
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  struct Ep {
    explicit Ep(const net::PingSocketConfig& c) : queue(c.queue_messages, c.queue_bytes) {}
    Endpoint local;  // port: the ICMP identifier
    std::optional<wire::Ipv4Address> remote;
    bool bound = false;
    core::Errno pending_error = core::Errno::Ok;
    std::uint64_t drops = 0;
    DatagramQueue queue;
  };
  Ep* find(std::uint16_t ident) const {
    if (by_ident_.empty()) return nullptr;
    const auto i = by_ident_[ident];
    return i == 0 ? nullptr : eps_[i - 1].get();
  }

  core::StackContext& ctx_;
  net::Ipv4Layer& ipv4_;
  net::PingSocketConfig config_;
  PortTable idents_;  // identifiers in use: ping sockets have a "port" space of their own, as on Linux
  std::vector<std::unique_ptr<Ep>> eps_;
  std::vector<std::uint32_t> by_ident_;  // identifier → endpoint index + 1; allocated at the first bind
  std::uint64_t delivered_ = 0, dropped_ = 0;
};

}  // namespace strata::transport
