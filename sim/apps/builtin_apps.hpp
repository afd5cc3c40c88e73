// SPDX-License-Identifier: MIT
// The built-in apps (DESIGN.md §6), each a Task over the socket facade, and the defaults the registry fills
// in for parameters a scenario leaves out. Apps take their AppSpec by value: the coroutine frame keeps its
// own copy, so the caller's spec may go away once the task is made.
//
// Not for: choosing an app by name (app_registry.hpp) or running one (the simulator, the live runtime).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/apps/app_env.hpp"
#include "sim/apps/task.hpp"
#include "sim/net/topology.hpp"
#include "stack/core/bytes.hpp"
#include "stack/core/errno.hpp"
#include "stack/core/time.hpp"

namespace strata::sim::apps {

// ping: DESIGN.md §6 fixes these three.
inline constexpr std::uint64_t kPingDefaultCount = 4;
inline constexpr std::uint64_t kPingDefaultSize = 56;  // ICMP data bytes after the 8-byte echo header
inline constexpr core::Duration kPingDefaultInterval = std::chrono::seconds(1);
/// How long a request waits for its reply when the interval is zero (back-to-back pings).
inline constexpr core::Duration kPingReplyWaitWhenNoInterval = std::chrono::seconds(1);

// udp-echo and udp-send: the echo port (RFC 862) when none is given.
inline constexpr std::uint16_t kDefaultEchoPort = 7;
inline constexpr std::uint64_t kUdpSendDefaultCount = 10;
inline constexpr std::uint64_t kUdpSendDefaultSize = 64;
inline constexpr core::Duration kUdpSendDefaultInterval = std::chrono::milliseconds(100);
/// After its last datagram udp-send keeps listening for echoes this long (or one interval, if longer), and
/// stops early once every datagram it sent has come back.
inline constexpr core::Duration kUdpSendMinGrace = std::chrono::seconds(1);

/// The largest UDP payload over IPv4 (65535 - 20 - 8) and the largest ICMP echo data (65535 - 20 - 8).
inline constexpr std::size_t kMaxUdpPayload = 65507;
inline constexpr std::size_t kMaxPingSize = 65507;

/// Pings spec.to_addr over an ICMP datagram ("ping") socket. See ping.cpp for what it counts.
Task<AppResult> ping(AppEnv& env, net::AppSpec spec);
/// Echoes every datagram on spec.port back to its sender, until the run ends.
Task<AppResult> udp_echo(AppEnv& env, net::AppSpec spec);
/// Sends spec.count datagrams of spec.size bytes to spec.to_addr:spec.to_port every spec.interval.
Task<AppResult> udp_send(AppEnv& env, net::AppSpec spec);

/// "call: ERRNO", the form apps report a failed socket call in (e.g. "bind: EADDRINUSE").
inline std::string call_error(std::string_view call, core::Errno e) {
  std::string s(call);
  s += ": ";
  s += core::name(e);
  return s;
}

/// Deterministic payload bytes: stream `stream` of the generator seeded with `seed` (apps pass env.seed()).
/// Same (seed, stream), same bytes.
void fill_payload(std::uint64_t seed, std::uint64_t stream, core::MutBytes out);

}  // namespace strata::sim::apps
