// SPDX-License-Identifier: MIT
#include "stack/host.hpp"

#include "stack/wire/ethernet.hpp"

namespace strata {

Host::Host(core::HostId id, HostConfig config, core::BufferPool& pool, std::string name)
    : id_(id),
      name_(std::move(name)),
      config_(config),
      ctx_(pool, config.seed),
      ethernet_(ctx_),
      arp_(ctx_, ethernet_, config.arp),
      ipv4_(ctx_, arp_, config.ipv4),
      icmp_(ctx_, ipv4_, config.icmp),
      udp_(ctx_, ipv4_, config.udp),
      ping_(ctx_, ipv4_, config.icmp.ping),
      tcp_(ctx_, config.tcp),
      sockets_(ctx_, udp_, ping_, now_) {
  ctx_.tracer.set_host(id);
  // The registrations: each protocol is one line here. The EtherType table is searched in registration
  // order, so IPv4, nearly every frame, comes first.
  ethernet_.register_protocol(wire::ether_type::kIpv4, ipv4_);
  ethernet_.register_protocol(wire::ether_type::kArp, arp_);
  // Reverse ARP: reported as ARP is, then dropped (arp.rarp).
  ethernet_.register_protocol(wire::ether_type::kRarp, arp_);
  ipv4_.register_protocol(wire::ip_proto::kIcmp, icmp_);
  ipv4_.register_protocol(wire::ip_proto::kUdp, udp_);
  ipv4_.register_protocol(wire::ip_proto::kTcp, tcp_);
  ipv4_.set_icmp(icmp_);
  icmp_.set_echo_reply_handler(&ping_);  // echo replies for ping sockets
  ethernet_.set_promiscuous(config.ipv4.accept_any_destination);
}

core::NicId Host::attach(nic::Nic& nic, InterfaceConfig iface) {
  const auto id = ethernet_.attach(nic);
  ipv4_.set_interface(id, net::Ipv4Interface{iface.addr, iface.mtu.value_or(nic.info().mtu)});
  arp_.set_address(id, iface.addr ? std::optional(iface.addr->address) : std::nullopt, now_, iface.announce);
  return id;
}

void Host::set_address(core::NicId nic, std::optional<wire::Ipv4Cidr> addr, bool announce) {
  auto iface = ipv4_.interface(nic);
  iface.addr = addr;
  ipv4_.set_interface(nic, iface);
  arp_.set_address(nic, addr ? std::optional(addr->address) : std::nullopt, now_, announce);
}

RxOutcome Host::handle_frame(core::NicId nic, core::Bytes frame, core::Instant now, core::RxReport* report) {
  set_now(now);
  core::RxFrame f;
  f.bytes = frame;
  f.nic = nic;
  f.now = now_;
  f.id = ctx_.new_packet_id();
  f.report = report;
  f.observed = report != nullptr;
  ctx_.counters.inc(core::Counter::NicRx);
  if (ctx_.tracer.on()) [[unlikely]] {
    f.observed = true;
    ctx_.tracer.packet(now_, core::Layer::Nic, core::Dir::Rx, core::TraceKind::Deliver, f.id, frame, f.marks,
                       core::Reason::None, nic);
  }
  ethernet_.receive(f);
  return RxOutcome{f.top, f.verdict, f.reason};
}

}  // namespace strata
