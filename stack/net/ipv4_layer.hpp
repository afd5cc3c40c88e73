// SPDX-License-Identifier: MIT
// The IPv4 layer (RFC 791, RFC 1122 §3.2, RFC 1812 for forwarding): validates headers, delivers to the
// transport registered for the protocol number, forwards between interfaces when enabled (TTL decrement, ICMP
// time exceeded), reassembles fragments, fragments sends to the route's MTU.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "stack/core/rx_report.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/link/arp_layer.hpp"
#include "stack/link/l3_handler.hpp"
#include "stack/net/ipv4_reassembler.hpp"
#include "stack/net/l4_handler.hpp"
#include "stack/net/routing_table.hpp"

namespace strata::net {

class Icmp;

struct Ipv4Config {
  bool forward = false;                 // a router
  bool accept_any_destination = false;  // promiscuous (replay): every datagram is delivered locally
  std::uint8_t default_ttl = 64;
  ReassemblyConfig reassembly;
};

struct Ipv4SendParams {
  wire::Ipv4Address src;  // any: the outgoing interface's address
  wire::Ipv4Address dst;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  bool dont_fragment = false;
  std::optional<core::NicId> nic;  // force the interface (broadcasts on a chosen NIC)
};

struct Ipv4Interface {
  std::optional<wire::Ipv4Cidr> addr;
  std::uint16_t mtu = 1500;
};

class Ipv4Layer final : public link::L3Handler {
 public:
  Ipv4Layer(core::StackContext& ctx, link::ArpLayer& arp, Ipv4Config config);

  void set_icmp(Icmp& icmp) { icmp_ = &icmp; }
  void register_protocol(std::uint8_t protocol, L4Handler& handler) { table_[protocol] = &handler; }
  /// Declares a NIC's address and MTU; an address adds its connected route.
  void set_interface(core::NicId nic, Ipv4Interface iface);
  const Ipv4Interface& interface(core::NicId nic) const { return ifaces_.at(nic.value); }
  std::size_t interface_count() const { return ifaces_.size(); }

  void receive(core::RxFrame& frame, link::LinkHeader link, core::Bytes payload) override;
  /// A transport's answer to a datagram it cannot take (port unreachable): an ICMP destination unreachable
  /// with `code` back to its source, unless the datagram came as a link-layer broadcast or multicast
  /// (frame.link_group), or this host only observes. A send, going down, like any other.
  void send_unreachable(const core::RxFrame& frame, const wire::Ipv4View& ip, std::uint8_t code);
  /// Sends `payload` (the transport segment, in a PacketBuf with headroom) to p.dst. Errors: Ipv4NoRoute,
  /// Ipv4FragmentNeeded (too big with DF), NicNoBuffer, ArpQueueFull.
  core::Result<void> send(const Ipv4SendParams& p, core::PacketBuf&& payload, core::Instant now);
  /// send() along `route`, routes().lookup(p.dst) done by the caller (nullopt: no route); p.nic is ignored.
  /// A sender that needs the route's source address too looks it up once (UDP's send path). Inline (below):
  /// the usual datagram goes down to ARP within the sender's own call, its parameters constants there.
  inline core::Result<void> send_via(const Ipv4SendParams& p, const std::optional<RouteMatch>& route,
                                     core::PacketBuf&& payload, core::Instant now);
  /// send_via() for a transport that looked up `route` and its interface, interface_of(*route), once
  /// (nullptr: no route or no such interface), with a source address (not any), no TOS, no DF, and its
  /// transport mark already set (UDP). The header fields as scalars, not an Ipv4SendParams: the usual
  /// datagram builds no parameter block in memory, only the out-of-line path does.
  inline core::Result<void> send_via(wire::Ipv4Address src, wire::Ipv4Address dst, std::uint8_t protocol,
                                     std::uint8_t ttl, const std::optional<RouteMatch>& route,
                                     const Ipv4Interface* iface, core::PacketBuf&& payload,
                                     core::Instant now);
  /// ICMP errors about our own datagrams go to the transport that sent them.
  void deliver_error(core::RxFrame& frame, const IcmpErrorInfo& error);
  /// For a reporter (frame.report non-null) only: the transport header of the datagram an ICMP error quotes
  /// (`quoted`: from its IPv4 header on), filled in by the handler registered for its protocol, with
  /// ReportedSegment::icmp_quote set. Icmp calls it from its report(), so the quote is shown whether the
  /// error is delivered or its own datagram was dropped (a bad outer header checksum), as Wireshark shows it.
  void report_quote(core::RxFrame& frame, core::Bytes quoted);

  /// Inline: hosts advance at every socket call and event, and usually no fragment is held.
  void advance(core::Instant now) {
    if (!reassembler_.idle_at(now)) advance_due(now);
  }
  std::optional<core::Instant> next_deadline() const { return reassembler_.next_deadline(); }
  core::Instant next_deadline_or_never() const { return reassembler_.next_deadline_or_never(); }
  bool cached_next_deadline(core::Instant& out) const { return reassembler_.cached_next_deadline(out); }

  RoutingTable& routes() { return routes_; }
  const RoutingTable& routes() const { return routes_; }
  /// Broadcast, multicast, one of our addresses or a directed broadcast of one of our subnets.
  bool is_local(wire::Ipv4Address dst) const {
    if (dst.is_broadcast() || dst.is_multicast()) return true;
    for (const auto a : local_)
      if (a == dst) return true;
    return false;
  }
  /// One of our interface addresses (not a broadcast).
  bool is_our_address(wire::Ipv4Address a) const;
  /// The subnet broadcast address of one of our interfaces (10.0.0.255 on 10.0.0.0/24).
  bool is_directed_broadcast(wire::Ipv4Address a) const;
  /// The address of the interface a datagram to `dst` leaves by, nullptr when none. Inline, and a pointer
  /// rather than an optional: every send asks, and a returned optional<Ipv4Address> is stored in two pieces
  /// and reloaded whole (a store-forwarding stall).
  const wire::Ipv4Address* source_for(wire::Ipv4Address dst) const {
    auto r = routes_.lookup(dst);
    return r ? source_of(*r) : nullptr;
  }
  /// The interface `r` leaves by, nullptr when there is no such interface.
  const Ipv4Interface* interface_of(const RouteMatch& r) const {
    return r.nic.value < ifaces_.size() ? &ifaces_[r.nic.value] : nullptr;
  }
  /// The address of the interface `r` leaves by, nullptr when it has none.
  const wire::Ipv4Address* source_of(const RouteMatch& r) const {
    const Ipv4Interface* iface = interface_of(r);
    return iface != nullptr && iface->addr ? &iface->addr->address : nullptr;
  }
  /// The MTU of the interface a datagram to `dst` leaves by (0 when no route).
  std::uint16_t mtu_for(wire::Ipv4Address dst) const;
  const Ipv4Reassembler& reassembler() const { return reassembler_; }
  const Ipv4Config& config() const { return config_; }

 private:
  void advance_due(core::Instant now);
  /// send_via() for every datagram (drops, tracing, fragmentation). Out of line: see send_via().
  [[gnu::noinline]] core::Result<void> send_routed(const Ipv4SendParams& p,
                                                   const std::optional<RouteMatch>& route,
                                                   core::PacketBuf&& payload, core::Instant now);
  /// What the scalar send_via() passes on to its send_routed(): 12 bytes, in two registers.
  struct ScalarSend {
    wire::Ipv4Address src, dst;
    std::uint8_t protocol, ttl;
  };
  /// send_routed() for the scalar send_via(): the parameter block built here, and the route looked up again
  /// (the same one), so that the caller keeps neither in memory, nor passes an argument on the stack (which
  /// costs it a frame pointer).
  [[gnu::noinline]] core::Result<void> send_routed(ScalarSend s, core::PacketBuf&& payload,
                                                   core::Instant now);
  /// The header a send builds for `p` out of `iface` (the next ident taken), for a payload of `size` bytes.
  wire::Ipv4Header header_for(const Ipv4SendParams& p, const Ipv4Interface& iface, std::size_t size) {
    wire::Ipv4Header h;
    h.tos = p.tos;
    h.ident = next_ident_++;
    h.dont_fragment = p.dont_fragment;
    h.ttl = p.ttl;
    h.protocol = p.protocol;
    h.src = p.src.is_any() && iface.addr ? iface.addr->address : p.src;
    h.dst = p.dst;
    // Too long a datagram is refused by output(), which looks at the payload, not at this field.
    h.total_length = static_cast<std::uint16_t>(std::min<std::size_t>(h.wire_size() + size, 0xffff));
    return h;
  }
  /// Whether `dst` is the subnet broadcast of interface `nic`'s link (an interface that exists).
  bool is_link_broadcast(wire::Ipv4Address dst, core::NicId nic) const {
    return dst.value == link_broadcast_[nic.value];
  }
  /// Fills frame.report with the IPv4 header at the start of `bytes` (only with frame.report). The frame,
  /// not only its report: a total length of 0 (TSO) is reported as the length of `bytes` on the wire.
  static void report_header(const core::RxFrame& frame, core::Bytes bytes);
  void drop_and_report(core::RxFrame& frame, const wire::Ipv4View& ip, core::Reason reason);
  /// Drops a datagram whose total length is 0 (TSO, BIG TCP) and reports it as Wireshark does: the length on
  /// the wire for the total length, and the transport header above. Only with frame.report.
  void drop_and_report_tso(core::RxFrame& frame, core::Bytes bytes);
  /// receive() for the other datagrams: options, fragments, bad or cut headers, broadcasts, forwarding,
  /// reports and traces.
  [[gnu::noinline]] void receive_general(core::RxFrame& frame, link::LinkHeader link, core::Bytes payload);
  void deliver_local(core::RxFrame& frame, const wire::Ipv4View& ip);
  void forward(core::RxFrame& frame, const wire::Ipv4View& ip, bool link_broadcast);
  /// Sends `payload` behind `h`, fragmenting to the interface's MTU. h.total_length must already be
  /// h.wire_size() + payload.size() (when that fits in 16 bits).
  core::Result<void> output(core::NicId nic, wire::Ipv4Address next_hop, const wire::Ipv4Header& h,
                            core::PacketBuf&& payload, core::Instant now, bool link_broadcast);

  core::StackContext& ctx_;
  link::ArpLayer& arp_;
  Ipv4Config config_;
  Icmp* icmp_ = nullptr;
  std::array<L4Handler*, 256> table_{};
  std::vector<Ipv4Interface> ifaces_;
  // Each interface's subnet broadcast address, or kNoLinkBroadcast (no address, or a /31 or /32): kept by
  // set_interface, so that a send compares once instead of deriving it from the interface's address.
  static constexpr std::uint64_t kNoLinkBroadcast = ~std::uint64_t{0};  // above every address
  std::vector<std::uint64_t> link_broadcast_;
  // What is_local() accepts besides broadcast and multicast: every interface address and directed broadcast,
  // rebuilt by set_interface (the receive path scans this flat list, not the interfaces).
  std::vector<wire::Ipv4Address> local_;
  RoutingTable routes_;
  Ipv4Reassembler reassembler_;
  std::uint16_t next_ident_;
};

inline core::Result<void> Ipv4Layer::send_via(const Ipv4SendParams& p, const std::optional<RouteMatch>& route,
                                              core::PacketBuf&& payload, core::Instant now) {
  // The usual datagram (a route, within the interface's MTU, no tracer) with no call but ARP's (a tail call
  // in a sender that has nothing left to do). Anything else goes to send_routed() before anything is changed;
  // it handles every datagram (inline, its calls to drop, trace or fragment would make every sender save
  // registers).
  if (!route || route->nic.value >= ifaces_.size() || ctx_.tracer.on()) [[unlikely]]
    return send_routed(p, route, std::move(payload), now);
  const auto& iface = ifaces_[route->nic.value];
  // No options: the header is the minimum. Within the MTU, output() would neither fragment nor refuse it.
  if (wire::kIpv4MinHeaderLen + payload.size() > iface.mtu) [[unlikely]]
    return send_routed(p, route, std::move(payload), now);
  // As output() sends a datagram within the MTU (ctx_.sent() counts; the tracer is off). The packet's
  // fields first, the header's after: fewer values live at once.
  const std::size_t size = payload.size();
  payload.set_mark(&core::LayerMarks::transport);
  const core::MutBytes out = payload.push_front(wire::kIpv4MinHeaderLen);
  payload.set_mark(&core::LayerMarks::net);
  header_for(p, iface, size).emit(out);
  ctx_.counters.inc(core::Counter::Ipv4Tx);
  return arp_.send_ipv4(route->nic, route->next_hop, std::move(payload), now,
                        is_link_broadcast(p.dst, route->nic));
}

inline core::Result<void> Ipv4Layer::send_via(wire::Ipv4Address src, wire::Ipv4Address dst,
                                              std::uint8_t protocol, std::uint8_t ttl,
                                              const std::optional<RouteMatch>& route,
                                              const Ipv4Interface* iface, core::PacketBuf&& payload,
                                              core::Instant now) {
  // As the other send_via(); iface non-null means a route whose interface exists (the caller's one check).
  if (iface == nullptr || ctx_.tracer.on() || wire::kIpv4MinHeaderLen + payload.size() > iface->mtu)
      [[unlikely]]
    return send_routed(ScalarSend{src, dst, protocol, ttl}, std::move(payload), now);
  const std::size_t size = payload.size();
  const core::MutBytes out = payload.push_front(wire::kIpv4MinHeaderLen);
  payload.set_mark(&core::LayerMarks::net);
  wire::Ipv4Header h;
  h.ident = next_ident_++;
  h.ttl = ttl;
  h.protocol = protocol;
  h.src = src;
  h.dst = dst;
  h.total_length = static_cast<std::uint16_t>(std::min<std::size_t>(wire::kIpv4MinHeaderLen + size, 0xffff));
  h.emit(out);
  ctx_.counters.inc(core::Counter::Ipv4Tx);
  return arp_.send_ipv4(route->nic, route->next_hop, std::move(payload), now,
                        is_link_broadcast(dst, route->nic));
}

}  // namespace strata::net
