// SPDX-License-Identifier: MIT
// A Host: NICs + the layers + sockets, wired once. The stack's three inputs are here — handle_frame (a frame
// from a NIC), advance (the time), sockets() (socket calls at the last instant handed in) — and its outputs:
// frames to NICs, next_deadline(), counters and trace events. It never reads a clock or touches a device.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "stack/core/rx_report.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/host_config.hpp"
#include "stack/link/arp_layer.hpp"
#include "stack/link/ethernet_layer.hpp"
#include "stack/net/icmp.hpp"
#include "stack/net/ipv4_layer.hpp"
#include "stack/nic/nic.hpp"
#include "stack/socket/socket_api.hpp"
#include "stack/transport/ping.hpp"
#include "stack/transport/tcp/tcp_layer.hpp"
#include "stack/transport/udp.hpp"

namespace strata {

struct InterfaceConfig {
  std::optional<wire::Ipv4Cidr> addr;
  std::optional<std::uint16_t> mtu;  // default: the NIC's
  bool announce = true;              // gratuitous ARP when the address is set
};

/// What happened to one received frame: the highest layer that handled it and its verdict.
struct RxOutcome {
  core::Layer layer = core::Layer::Nic;
  core::Verdict verdict = core::Verdict::Deliver;
  core::Reason reason = core::Reason::None;
};

class Host {
 public:
  Host(core::HostId id, HostConfig config, core::BufferPool& pool, std::string name = "host");
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  core::NicId attach(nic::Nic& nic, InterfaceConfig iface = {});
  void set_address(core::NicId nic, std::optional<wire::Ipv4Cidr> addr, bool announce = true);

  /// Input 1: a frame from NIC `nic`, valid for the call. `report`, when given, is filled with what each
  /// layer parsed (strata replay --json).
  RxOutcome handle_frame(core::NicId nic, core::Bytes frame, core::Instant now,
                         core::RxReport* report = nullptr);
  /// Input 2: fire the timers due at `now` (ARP retries and expiry, reassembly timeouts). Inline, as are the
  /// layers' "nothing due" tests: it comes before every socket call an app makes.
  void advance(core::Instant now) {
    set_now(now);
    arp_.advance(now_);
    ipv4_.advance(now_);
  }
  /// Input 3: socket calls, run at the last instant handed in.
  socket::SocketApi& sockets() { return sockets_; }
  /// Output: when advance must be called next (kNever: no timer is pending).
  core::Instant next_deadline_or_never() const {
    return std::min(arp_.next_deadline_or_never(), ipv4_.next_deadline_or_never());
  }
  std::optional<core::Instant> next_deadline() const {
    return core::deadline_or_none(next_deadline_or_never());
  }
  /// next_deadline_or_never() into `out` when no layer needs to compute it (true: no ARP resolution in
  /// progress, no fragment held, the ARP cache's earliest expiry known: the usual case); false otherwise.
  /// Inline and call-free: the simulator asks after every event, and a call there, however rare, would make
  /// every event save registers.
  bool cached_next_deadline(core::Instant& out) const {
    core::Instant arp, ip;
    if (!arp_.cached_next_deadline(arp) || !ipv4_.cached_next_deadline(ip)) return false;
    out = std::min(arp, ip);
    return true;
  }

  void set_trace_sink(core::TraceSink* sink) { ctx_.tracer.set_sink(sink); }
  const core::Counters& counters() const { return ctx_.counters; }
  core::Instant now() const { return now_; }
  const std::string& name() const { return name_; }
  core::HostId id() const { return id_; }
  const HostConfig& config() const { return config_; }

  link::EthernetLayer& ethernet() { return ethernet_; }
  link::ArpLayer& arp() { return arp_; }
  net::Ipv4Layer& ipv4() { return ipv4_; }
  net::Icmp& icmp() { return icmp_; }
  transport::UdpLayer& udp() { return udp_; }
  transport::PingLayer& ping() { return ping_; }
  transport::TcpLayer& tcp() { return tcp_; }

 private:
  void set_now(core::Instant now) {
    // The contract: instants handed to a Host never go backwards. (A select and a plain store: the value
    // stays in a register for the caller, not reloaded after a conditional store.)
    now_ = now > now_ ? now : now_;
  }

  core::HostId id_;
  std::string name_;
  HostConfig config_;
  core::StackContext ctx_;
  core::Instant now_{};
  link::EthernetLayer ethernet_;
  link::ArpLayer arp_;
  net::Ipv4Layer ipv4_;
  net::Icmp icmp_;
  transport::UdpLayer udp_;
  transport::PingLayer ping_;
  transport::TcpLayer tcp_;
  socket::SocketApi sockets_;
};

}  // namespace strata
