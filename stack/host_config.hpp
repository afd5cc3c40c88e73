// SPDX-License-Identifier: MIT
// HostConfig: every size, cap, timeout and default of a Host in one struct.
#pragma once

#include <cstdint>

#include "stack/link/arp_layer.hpp"
#include "stack/net/icmp.hpp"
#include "stack/net/ipv4_layer.hpp"
#include "stack/transport/tcp/tcp_layer.hpp"
#include "stack/transport/udp.hpp"

namespace strata {

struct HostConfig {
  std::uint64_t seed = 0;
  link::ArpConfig arp;
  net::Ipv4Config ipv4;
  net::IcmpConfig icmp;
  transport::UdpConfig udp;
  transport::TcpConfig tcp;

  /// A host that judges every frame on its own merits and answers nothing: every destination MAC and IPv4
  /// address is accepted, no socket is needed for a datagram to count as delivered (strata replay).
  static HostConfig observer() {
    HostConfig c;
    c.arp.answer = false;
    c.ipv4.accept_any_destination = true;
    c.icmp.answer_echo = false;
    c.icmp.send_errors = false;
    c.udp.accept_unbound = true;
    c.tcp.accept_unbound = true;
    return c;
  }
};

}  // namespace strata
