// SPDX-License-Identifier: MIT
// Runaway scenarios end in bounded work: the event cap (SimOptions::max_events) stops a run that makes events
// faster than virtual time moves, counts and times at their limits neither exhaust memory nor overflow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/engine/time_math.hpp"
#include "sim/net/topology.hpp"
#include "sim/scenario/simulation.hpp"

namespace strata::sim {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

/// a -- s1 == s2 -- b: two switches joined twice over zero-delay links, so the first broadcast circles
/// forever at t = 0 and no `until` can stop the run.
net::TopologyBuilder switch_loop() {
  net::TopologyBuilder b;
  b.host("a").iface("eth0", "10.0.0.1/24");
  b.host("b").iface("eth0", "10.0.0.2/24");
  b.sw("s1");
  b.sw("s2");
  b.link("a:eth0", "s1");
  b.link("b:eth0", "s2");
  b.link("s1", "s2");
  b.link("s2", "s1");
  b.app("a", "ping").to("10.0.0.2").count(2);
  return b;
}

net::TopologyBuilder two_hosts() {
  net::TopologyBuilder b;
  b.host("a").iface("eth0", "10.0.0.1/24");
  b.host("b").iface("eth0", "10.0.0.2/24");
  b.link("a:eth0", "b:eth0");
  return b;
}

std::unique_ptr<Simulation> make(const net::Topology& t, SimOptions options) {
  std::string error;
  auto sim = Simulation::create(t, options, error);
  EXPECT_TRUE(sim) << error;
  return sim;
}

TEST(EventCap, StopsASwitchLoopAtTheCap) {
  SimOptions options;
  options.until = 1s;
  options.max_events = 10'000;
  auto sim = make(switch_loop().build(), options);
  ASSERT_TRUE(sim);
  sim->run();
  EXPECT_EQ(sim->events(), 10'000u);
  EXPECT_TRUE(sim->event_limit_hit());
  EXPECT_EQ(sim->end_time(), sim->now());  // the run ended where it stopped, not at its `until`
  EXPECT_FALSE(sim->run_one());
}

TEST(EventCap, ARunThatEndsExactlyAtTheCapWasNotCutShort) {
  auto t = two_hosts();
  t.app("a", "ping").to("10.0.0.2").count(3).interval(10ms);
  const auto topology = t.build();
  auto free_run = make(topology, SimOptions{});
  ASSERT_TRUE(free_run);
  free_run->run();
  EXPECT_FALSE(free_run->event_limit_hit());
  const std::uint64_t needed = free_run->events();

  SimOptions capped;
  capped.max_events = needed;
  auto sim = make(topology, capped);
  ASSERT_TRUE(sim);
  sim->run();
  EXPECT_EQ(sim->events(), needed);
  EXPECT_FALSE(sim->event_limit_hit());
  EXPECT_TRUE(sim->all_apps_ok());

  capped.max_events = needed - 1;
  auto short_run = make(topology, capped);
  ASSERT_TRUE(short_run);
  short_run->run();
  EXPECT_TRUE(short_run->event_limit_hit());
}

TEST(EventCap, ZeroMeansNoCap) {
  auto t = two_hosts();
  t.app("a", "ping").to("10.0.0.2").count(2).interval(1ms);
  SimOptions options;
  options.max_events = 0;
  auto sim = make(t.build(), options);
  ASSERT_TRUE(sim);
  sim->run();
  EXPECT_FALSE(sim->event_limit_hit());
  EXPECT_TRUE(sim->all_apps_ok());
}

TEST(RunawayApps, HugeCountsAtIntervalZeroNeitherAllocateByCountNorOverflow) {
  auto t = two_hosts();
  t.app("a", "ping").to("10.0.0.2").count(1'000'000'000'000'000'000ULL).interval(0ns);
  t.app("b", "udp-echo").port(7);
  t.app("a", "udp-send").to("10.0.0.2:7").count(1'000'000'000).interval(0ns).size(1);
  t.app("b", "ping").to("10.0.0.1").count(~std::uint64_t{0} >> 1).interval(net::kMaxTime);
  SimOptions options;
  options.max_events = 20'000;
  auto sim = make(t.build(), options);
  ASSERT_TRUE(sim);
  sim->run();
  EXPECT_TRUE(sim->event_limit_hit());
  const auto apps = sim->app_reports();
  ASSERT_EQ(apps.size(), 4u);
  EXPECT_GT(apps[0].result.bytes_sent, 0u);
  EXPECT_GT(apps[0].result.bytes_received, 0u);
}

TEST(RunawayApps, PingThatCannotSendAtIntervalZeroStillMovesTime) {
  // No route to 20.0.0.2: every sendto fails at once. Found by fuzz_scenario: the app looped `count` times
  // inside one engine event, out of the event cap's reach.
  auto t = two_hosts();
  t.app("a", "ping").to("20.0.0.2").count(1'000'000'000).interval(0ns);
  SimOptions options;
  options.until = 10s;
  options.max_events = 1'000;
  auto sim = make(t.build(), options);
  ASSERT_TRUE(sim);
  sim->run();
  const auto apps = sim->app_reports();
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0].result.bytes_sent, 0u);
  EXPECT_LE(sim->events(), 1'000u);
}

TEST(TimeLimits, TimesBeyondTheCapAreRefused) {
  auto t = two_hosts();
  t.app("a", "ping").to("10.0.0.2").interval(net::kMaxTime + 1ns);
  EXPECT_THROW(t.build(), std::invalid_argument);
  auto ok = two_hosts();
  ok.app("a", "ping").to("10.0.0.2").interval(net::kMaxTime).at(net::kMaxTime);
  EXPECT_NO_THROW(ok.build());

  SimOptions options;
  options.until = net::kMaxTime + 1ns;
  std::string error;
  EXPECT_FALSE(Simulation::create(two_hosts().build(), options, error));
  EXPECT_THAT(error, HasSubstr("--until"));
}

TEST(TimeMath, Saturates) {
  using engine::saturating_add;
  using engine::saturating_mul;
  EXPECT_EQ(saturating_mul(1s, 3), 3s);
  EXPECT_EQ(saturating_mul(0ns, ~std::uint64_t{0}), 0ns);
  EXPECT_EQ(saturating_mul(1ns, ~std::uint64_t{0}), core::Duration::max());
  EXPECT_EQ(saturating_mul(net::kMaxTime, 1'000'000'000), core::Duration::max());
  EXPECT_EQ(saturating_add(core::Instant(5s), 1s), core::Instant(6s));
  EXPECT_EQ(saturating_add(core::Instant::max() - 1ns, 2ns), core::Instant::max());
}

}  // namespace
}  // namespace strata::sim
