// SPDX-License-Identifier: MIT
// udp-echo and udp-send on two hosts: what they count (DESIGN.md §6) and how they fail.
#include <gtest/gtest.h>

#include "sim/apps/app_registry.hpp"
#include "sim/apps/blocking_socket.hpp"
#include "sim/apps/builtin_apps.hpp"
#include "tests/support/app_harness.hpp"

namespace strata::sim::apps {
namespace {

using test::AppHarness;
using test::at;
using test::HostPair;
using namespace std::chrono_literals;

net::AppSpec echo_spec(std::uint16_t port) {
  net::AppSpec s;
  s.host = "b";
  s.kind = "udp-echo";
  s.port = port;
  return s;
}

net::AppSpec send_spec(std::uint16_t port, std::uint64_t count, std::uint64_t size, core::Duration interval) {
  net::AppSpec s;
  s.host = "a";
  s.kind = "udp-send";
  s.to_addr = HostPair::kAddrB;
  s.to_port = port;
  s.count = count;
  s.size = size;
  s.interval = interval;
  return s;
}

TEST(UdpApps, UdpSendAgainstUdpEchoGetsEveryDatagramBackVerified) {
  AppHarness h(test::link_delay(10ms));
  auto& echo = h.start('b', echo_spec(7));
  auto& send = h.start('a', send_spec(7, 5, 100, 100ms));
  ASSERT_TRUE(h.run_until_done(send, at(10s)));

  const AppResult& r = send.result();
  EXPECT_TRUE(r.ok) << r.error.value_or("");
  EXPECT_EQ(r.bytes_sent, 500u);
  EXPECT_EQ(r.bytes_received, 500u);
  EXPECT_EQ(r.verified, true);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.detail, "5 sent, 5 came back");
  // The grace period ends as soon as the last echo is in: 4 intervals, then one round trip (ARP was resolved
  // while the first datagram waited, so the last round trip is 2 × 10 ms).
  EXPECT_EQ(send.finished_at(), at(400ms + 20ms));

  EXPECT_FALSE(echo.done());  // a server runs until the run ends
  const AppResult e = echo.partial();
  EXPECT_TRUE(e.ok);
  EXPECT_EQ(e.bytes_received, 500u);
  EXPECT_EQ(e.bytes_sent, 500u);
  EXPECT_FALSE(e.verified);
  EXPECT_FALSE(e.error);
}

TEST(UdpApps, UdpSendUsesDefaultsWhenTheSpecHasNone) {
  AppHarness h(test::link_delay(1ms));
  h.start('b', echo_spec(kDefaultEchoPort));
  net::AppSpec s;
  s.host = "a";
  s.kind = "udp-send";
  s.to_addr = HostPair::kAddrB;  // port, count, size, interval: defaults (7, 10, 64, 100ms)
  auto& send = h.start('a', s);
  ASSERT_TRUE(h.run_until_done(send, at(10s)));
  EXPECT_TRUE(send.result().ok);
  EXPECT_EQ(send.result().bytes_sent, kUdpSendDefaultCount * kUdpSendDefaultSize);
  EXPECT_EQ(send.result().bytes_received, kUdpSendDefaultCount * kUdpSendDefaultSize);
  EXPECT_EQ(send.finished_at(), at(900ms + 2ms));
}

TEST(UdpApps, UdpSendWithoutAnEchoWaitsOutItsGraceAndVerifiesNothing) {
  AppHarness h(test::link_delay(1ms));
  // A bound socket that reads nothing: no port unreachable, no echo.
  h.start('b', [](AppEnv& env) -> Task<AppResult> {
    auto sock = BlockingSocket::open(env, socket::kSockDgram);
    if (!sock || !sock->bind({wire::Ipv4Address::any(), 9})) co_return AppResult{};
    co_await sleep_for(env, 1h);
    co_return test::app_result(true);
  });
  auto& send = h.start('a', send_spec(9, 3, 10, 50ms));
  ASSERT_TRUE(h.run_until_done(send, at(10s)));
  const AppResult& r = send.result();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.bytes_sent, 30u);
  EXPECT_EQ(r.bytes_received, 0u);
  EXPECT_FALSE(r.verified.has_value());  // nothing came back: nothing to verify
  EXPECT_EQ(send.finished_at(), at(100ms + kUdpSendMinGrace));
}

TEST(UdpApps, UdpSendToAClosedPortStopsWithConnectionRefused) {
  AppHarness h(test::link_delay(10ms));
  auto& send = h.start('a', send_spec(9999, 5, 32, 100ms));
  ASSERT_TRUE(h.run_until_done(send, at(10s)));
  const AppResult& r = send.result();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "recv: ECONNREFUSED");  // B answered the first datagram with a port unreachable
  EXPECT_EQ(r.bytes_sent, 32u);
  EXPECT_EQ(r.bytes_received, 0u);
  EXPECT_FALSE(r.verified.has_value());
  EXPECT_EQ(r.detail, "1 sent, 0 came back");
  EXPECT_LT(*send.finished_at(), at(100ms));  // the error woke it before the second send
}

TEST(UdpApps, UdpEchoThatCannotBindFailsWithTheErrno) {
  AppHarness h;
  auto& first = h.start('b', echo_spec(7));
  auto& second = h.start('b', echo_spec(7));
  EXPECT_FALSE(first.done());
  ASSERT_TRUE(second.done());
  EXPECT_FALSE(second.result().ok);
  EXPECT_EQ(second.result().error, "bind: EADDRINUSE");
  EXPECT_EQ(second.result().bytes_received, 0u);
  EXPECT_TRUE(first.partial().ok);
}

TEST(UdpApps, UdpEchoReturnsEachDatagramToItsSender) {
  AppHarness h(test::link_delay(2ms));
  h.start('b', echo_spec(7));
  // Two senders from different ports each see only their own datagrams.
  auto& one = h.start('a', send_spec(7, 3, 20, 10ms));
  auto& two = h.start('a', send_spec(7, 4, 30, 10ms));
  ASSERT_TRUE(h.run_until_done(one, at(5s)));
  ASSERT_TRUE(h.run_until_done(two, at(5s)));
  EXPECT_EQ(one.result().bytes_received, 60u);
  EXPECT_EQ(two.result().bytes_received, 120u);
  EXPECT_EQ(one.result().verified, true);
  EXPECT_EQ(two.result().verified, true);
}

TEST(UdpApps, PayloadIsDeterministicFromTheSeed) {
  std::array<std::byte, 37> a{}, b{}, c{}, d{};
  fill_payload(1, 0, a);
  fill_payload(1, 0, b);
  fill_payload(2, 0, c);
  fill_payload(1, 1, d);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
}

}  // namespace
}  // namespace strata::sim::apps
