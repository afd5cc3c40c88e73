// SPDX-License-Identifier: MIT
#include "sim/apps/blocking_socket.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tests/support/app_harness.hpp"

namespace strata::sim::apps {
namespace {

using test::AppHarness;
using test::at;
using test::HostPair;
using namespace std::chrono_literals;

Task<AppResult> sleeper(AppEnv& env, core::Duration d, int id, std::vector<int>* order,
                        std::vector<core::Instant>* woke) {
  co_await sleep_for(env, d);
  order->push_back(id);
  woke->push_back(env.now());
  co_return test::app_result(true);
}

TEST(BlockingSocket, SleepsWakeInDeadlineOrderAtTheirInstants) {
  AppHarness h;
  std::vector<int> order;
  std::vector<core::Instant> woke;
  h.start('a', [&](AppEnv& env) { return sleeper(env, 30ms, 3, &order, &woke); });
  h.start('a', [&](AppEnv& env) { return sleeper(env, 10ms, 1, &order, &woke); });
  h.start('b', [&](AppEnv& env) { return sleeper(env, 20ms, 2, &order, &woke); });
  h.run_until(at(1s));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(woke, (std::vector<core::Instant>{at(10ms), at(20ms), at(30ms)}));
}

Task<AppResult> sleeps_in_the_past(AppEnv& env, bool* suspended) {
  ReadinessAwaiter past = sleep_until(env, env.now());
  *suspended = !past.await_ready();
  co_await past;
  co_return test::app_result(true);
}

TEST(BlockingSocket, SleepUntilNowDoesNotSuspend) {
  AppHarness h;
  bool suspended = true;
  auto& app = h.start('a', [&](AppEnv& env) { return sleeps_in_the_past(env, &suspended); });
  EXPECT_TRUE(app.done());  // finished inside start(): no wait was registered
  EXPECT_FALSE(suspended);
}

/// Binds port 9000 and reads one datagram with a timeout; reports what recvfrom said in `error`.
Task<AppResult> receive_one(AppEnv& env, core::Duration timeout, SockAddrIn* from, core::Instant* when) {
  AppResult r;
  auto sock = BlockingSocket::open(env, socket::kSockDgram);
  if (!sock) co_return r;
  if (!sock->bind({wire::Ipv4Address::any(), 9000})) co_return r;
  std::array<std::byte, 256> buf{};
  auto got = co_await sock->recvfrom(buf, from, env.now() + timeout);
  *when = env.now();
  if (!got) {
    r.error = std::string(core::name(got.error()));
    co_return r;
  }
  r.ok = true;
  r.bytes_received = *got;
  co_return r;
}

TEST(BlockingSocket, RecvfromTimesOutWithEtimedoutAtTheDeadline) {
  AppHarness h;
  h.run_until(at(1s));  // let the gratuitous ARP settle first
  SockAddrIn from{};
  core::Instant when{};
  auto& app = h.start('b', [&](AppEnv& env) { return receive_one(env, 250ms, &from, &when); });
  h.run_until(at(5s));
  ASSERT_TRUE(app.done());
  EXPECT_FALSE(app.result().ok);
  EXPECT_EQ(app.result().error, "ETIMEDOUT");
  EXPECT_EQ(when, at(1250ms));
  EXPECT_EQ(app.finished_at(), at(1250ms));
}

Task<AppResult> send_one(AppEnv& env, std::size_t size) {
  AppResult r;
  auto sock = BlockingSocket::open(env, socket::kSockDgram);
  if (!sock) co_return r;
  std::vector<std::byte> data(size, std::byte{0x5a});
  auto sent = co_await sock->sendto(data, SockAddrIn{HostPair::kAddrB, 9000});
  r.ok = sent.ok();
  if (sent) r.bytes_sent = *sent;
  co_return r;
}

TEST(BlockingSocket, RecvfromWakesWhenTheDatagramArrives) {
  AppHarness h(test::link_delay(5ms));
  h.run_until(at(1s));
  SockAddrIn from{};
  core::Instant when{};
  auto& receiver = h.start('b', [&](AppEnv& env) { return receive_one(env, 10s, &from, &when); });
  h.run_until(at(2s));
  EXPECT_FALSE(receiver.done());
  EXPECT_TRUE(receiver.waiting());
  auto& sender = h.start('a', [](AppEnv& env) { return send_one(env, 100); });
  ASSERT_TRUE(sender.done());  // a datagram send never waits
  EXPECT_EQ(sender.result().bytes_sent, 100u);
  h.run_until(at(3s));
  ASSERT_TRUE(receiver.done());
  EXPECT_TRUE(receiver.result().ok);
  EXPECT_EQ(receiver.result().bytes_received, 100u);
  EXPECT_EQ(from.addr, HostPair::kAddrA);
  // a learns b's MAC first: ARP request and reply, then the datagram — three link delays.
  EXPECT_EQ(when, at(2s + 15ms));
}

Task<AppResult> holds_a_socket(AppEnv& env) {
  auto sock = BlockingSocket::open(env, socket::kSockDgram);
  if (!sock) co_return AppResult{};
  co_await sleep_for(env, 1h);
  co_return test::app_result(true);
}

TEST(BlockingSocket, SocketClosesWhenTheAppIsDestroyedUnfinished) {
  AppHarness h;
  auto& app = h.start('a', [](AppEnv& env) { return holds_a_socket(env); });
  EXPECT_EQ(h.host('a').sockets().open_sockets(), 1u);
  app.stop();
  EXPECT_EQ(h.host('a').sockets().open_sockets(), 0u);
}

TEST(BlockingSocket, MovedSocketIsClosedOnce) {
  AppHarness h;
  auto& app = h.start('a', [](AppEnv& env) -> Task<AppResult> {
    auto opened = BlockingSocket::open(env, socket::kSockDgram);
    if (!opened) co_return AppResult{};
    BlockingSocket first = std::move(opened).value();
    const int fd = first.fd();
    BlockingSocket second = std::move(first);
    AppResult r;
    r.ok = second.fd() == fd && first.fd() == -1;  // NOLINT(bugprone-use-after-move)
    r.bytes_sent = env.sockets().open_sockets();
    co_return r;
  });
  ASSERT_TRUE(app.done());
  EXPECT_TRUE(app.result().ok);
  EXPECT_EQ(app.result().bytes_sent, 1u);
  EXPECT_EQ(h.host('a').sockets().open_sockets(), 0u);
}

}  // namespace
}  // namespace strata::sim::apps
