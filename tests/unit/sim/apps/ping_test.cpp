// SPDX-License-Identifier: MIT
// ping over the stack's ICMP datagram ("ping") sockets, host a to host b.
#include <gtest/gtest.h>

#include <vector>

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

bool ping_sockets_exist(AppHarness& h) {
  auto fd = h.host('a').sockets().socket(socket::kAfInet, socket::kSockDgram, socket::kIpprotoIcmp);
  if (!fd) return false;
  (void)h.host('a').sockets().close(*fd);
  return true;
}

net::AppSpec ping_spec(wire::Ipv4Address to) {
  net::AppSpec s;
  s.host = "a";
  s.kind = "ping";
  s.to_addr = to;
  return s;
}

/// One datagram from b to a: b's ARP request teaches a b's MAC, so later round trips are pure link delay.
Task<AppResult> prime_arp(AppEnv& env) {
  auto sock = BlockingSocket::open(env, socket::kSockDgram);
  if (!sock) co_return AppResult{};
  std::vector<std::byte> one(1);
  auto sent = co_await sock->sendto(one, SockAddrIn{HostPair::kAddrA, 9});
  co_return test::app_result(sent.ok());
}

TEST(Ping, FourRepliesWithRoundTripsOfTwoLinkDelays) {
  AppHarness h(test::link_delay(10ms));
  if (!ping_sockets_exist(h)) GTEST_SKIP() << "the stack has no ICMP ping sockets yet";
  h.start('b', [](AppEnv& env) { return prime_arp(env); });
  h.run_until(at(1s));

  auto& ping = h.start('a', ping_spec(HostPair::kAddrB));
  ASSERT_TRUE(h.run_until_done(ping, at(10s)));
  const AppResult& r = ping.result();
  EXPECT_TRUE(r.ok) << r.error.value_or("");
  EXPECT_EQ(r.bytes_sent, 4 * kPingDefaultSize);
  EXPECT_EQ(r.bytes_received, 4 * kPingDefaultSize);
  EXPECT_FALSE(r.error);
  EXPECT_FALSE(r.verified.has_value());
  EXPECT_EQ(r.detail, "4 sent, 4 received, 0% loss, rtt min/avg/max 20.000/20.000/20.000 ms");
  // Requests at 1s, 2s, 3s, 4s; the last reply 20 ms after the last request.
  EXPECT_EQ(ping.finished_at(), at(4s + 20ms));
}

TEST(Ping, FirstRoundTripIncludesArpResolution) {
  AppHarness h(test::link_delay(5ms));
  if (!ping_sockets_exist(h)) GTEST_SKIP() << "the stack has no ICMP ping sockets yet";
  h.run_until(at(1s));  // past the announcements both hosts make at attach
  auto s = ping_spec(HostPair::kAddrB);
  s.count = 2;
  s.size = 100;
  s.interval = 200ms;
  auto& ping = h.start('a', s);
  ASSERT_TRUE(h.run_until_done(ping, at(10s)));
  const AppResult& r = ping.result();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.bytes_sent, 200u);
  EXPECT_EQ(r.bytes_received, 200u);
  // The first request waits for ARP (request and reply: two link delays) before its own round trip.
  EXPECT_EQ(r.detail, "2 sent, 2 received, 0% loss, rtt min/avg/max 10.000/15.000/20.000 ms");
}

TEST(Ping, NoReplyFromAnAbsentHostIsNotOk) {
  AppHarness h(test::link_delay(1ms));
  if (!ping_sockets_exist(h)) GTEST_SKIP() << "the stack has no ICMP ping sockets yet";
  auto s = ping_spec(wire::Ipv4Address::from_octets(10, 0, 0, 77));  // on-link, nobody there
  s.count = 2;
  s.interval = 100ms;
  auto& ping = h.start('a', s);
  ASSERT_TRUE(h.run_until_done(ping, at(60s)));
  const AppResult& r = ping.result();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bytes_received, 0u);
  EXPECT_EQ(r.error, "no reply from 10.0.0.77");
  EXPECT_EQ(r.detail, "2 sent, 0 received, 100% loss");
  EXPECT_EQ(ping.finished_at(), at(200ms));  // each request waited one interval
}

}  // namespace
}  // namespace strata::sim::apps
