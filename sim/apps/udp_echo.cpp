// SPDX-License-Identifier: MIT
// udp-echo (RFC 862 over UDP): binds spec.port on every address and sends each datagram back to whoever sent
// it, until the run ends. Counts (DESIGN.md §6): bytes_received = payload received, bytes_sent = payload sent
// back. ok once it is bound (it never finishes: the runner reports it through Task::partial()); ok = false
// with "socket: E…" / "bind: E…" when it cannot be. verified stays null.
// A datagram that cannot be sent back (no route, no buffer) is dropped, as an echo server does, and counted
// in `detail` with the first such error; the app does not fail for it.
#include <string>
#include <vector>

#include "sim/apps/blocking_socket.hpp"
#include "sim/apps/builtin_apps.hpp"

namespace strata::sim::apps {

Task<AppResult> udp_echo(AppEnv& env, net::AppSpec spec) {
  AppResult result;
  co_await publish_progress(result);

  auto opened = BlockingSocket::open(env, socket::kSockDgram);
  if (!opened) {
    result.error = call_error("socket", opened.error());
    co_return result;
  }
  BlockingSocket sock = std::move(opened).value();
  if (auto bound = sock.bind(SockAddrIn{wire::Ipv4Address::any(), spec.port.value_or(kDefaultEchoPort)});
      !bound) {
    result.error = call_error("bind", bound.error());
    co_return result;
  }
  result.ok = true;

  std::vector<std::byte> buf(kMaxUdpPayload);
  std::uint64_t not_echoed = 0;
  std::string first_send_error;
  for (;;) {
    SockAddrIn from;
    auto got = co_await sock.recvfrom(buf, &from);
    if (!got) {
      // Unconnected, so no ICMP error is queued here; anything else means the socket is gone.
      result.ok = false;
      result.error = call_error("recvfrom", got.error());
      co_return result;
    }
    result.bytes_received += *got;
    auto sent = co_await sock.sendto(core::Bytes(buf).first(*got), from);
    if (sent) {
      result.bytes_sent += *sent;
    } else {
      // Rare: only then is the detail rebuilt (the common path allocates nothing).
      ++not_echoed;
      if (first_send_error.empty()) first_send_error = call_error("sendto", sent.error());
      result.detail =
          std::to_string(not_echoed) + " datagrams could not be sent back (first: " + first_send_error + ")";
    }
  }
}

}  // namespace strata::sim::apps
