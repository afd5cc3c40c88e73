// SPDX-License-Identifier: MIT
// SimLink on the real scheduler: timing to the nanosecond (serialization + propagation, queueing behind a
// busy wire), delivery always by an event, drop-tail queue, MTU (with 802.1Q / 802.1ad tags), independent
// directions, seeded faults and determinism.
#include "sim/net/sim_link.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "sim/engine/scheduler.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/core/rng.hpp"

namespace strata::sim::net {
namespace {

using Frame = std::vector<std::byte>;
using namespace std::chrono_literals;

core::Instant at_ns(std::int64_t ns) {
  return core::instant_from_ns(ns);
}

/// Records every frame it receives with its arrival time.
struct Recorder final : FrameSink {
  struct Arrival {
    core::Instant time;
    Frame bytes;
    bool operator==(const Arrival&) const = default;
  };
  void receive(core::PacketBuf&& frame, core::Instant now) override {
    const auto b = std::as_const(frame).bytes();
    log.push_back({now, Frame(b.begin(), b.end())});
  }
  std::vector<Arrival> log;
};

/// An Ethernet frame of `size` bytes: zero MACs, `tags` VLAN TPIDs after the source, then IPv4, `seq`,
/// filler.
core::PacketBuf make_frame(core::BufferPool& pool, std::size_t size, std::uint32_t seq = 0,
                           std::vector<std::uint16_t> tags = {}) {
  auto p = pool.allocate(size);
  EXPECT_TRUE(p.has_value());
  auto b = p->append(size);
  std::memset(b.data(), 0, size);
  std::size_t at = 12;
  for (auto tpid : tags) {
    core::store_be16(b, at, tpid);
    core::store_be16(b, at + 2, 100);  // VID
    at += 4;
  }
  if (at + 2 <= size) core::store_be16(b, at, 0x0800);
  if (at + 6 <= size) core::store_be32(b, at + 2, seq);
  for (std::size_t i = at + 6; i < size; ++i) b[i] = std::byte(static_cast<std::uint8_t>(seq + i));
  return std::move(*p);
}

std::uint32_t seq_of(const Frame& f) {
  return core::load_be32(f.data() + 14);
}

/// A link with a recorder at each end.
struct Rig {
  explicit Rig(LinkConfig config, std::size_t pool_slots = 1024)
      : pool(pool_slots, 2), link(sched, pool, config) {
    link.attach(0, nic::NicInfo{.name = "a", .mac = {}, .mtu = 1500}, at_a);
    link.attach(1, nic::NicInfo{.name = "b", .mac = {}, .mtu = 1500}, at_b);
  }
  core::Result<void> send(int side, std::size_t size, core::Instant now, std::uint32_t seq = 0) {
    return link.nic(side).transmit(make_frame(pool, size, seq), now);
  }

  engine::Scheduler sched;
  core::BufferPool pool;
  SimLink link;
  Recorder at_a, at_b;
};

TEST(SimLink, SerializationTimeRoundsUpToTheNanosecond) {
  EXPECT_EQ(SimLink::serialization_time(1000, 100'000'000), 80'000ns);
  EXPECT_EQ(SimLink::serialization_time(1, 3'000'000'000), 3ns);  // 8/3 ns, rounded up
  EXPECT_EQ(SimLink::serialization_time(1500, 0), 0ns);
  EXPECT_EQ(SimLink::serialization_time(65535, 1), core::Duration{65535LL * 8 * 1'000'000'000});
}

TEST(SimLink, DeliversAfterSerializationPlusPropagation) {
  Rig rig(LinkConfig{.rate_bps = 100'000'000, .delay = 10ms});
  ASSERT_TRUE(rig.send(0, 1000, at_ns(0)));
  EXPECT_TRUE(rig.at_b.log.empty());  // never within transmit
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 1u);
  EXPECT_EQ(rig.at_b.log[0].time, at_ns(80'000 + 10'000'000));
  EXPECT_EQ(rig.at_b.log[0].bytes.size(), 1000u);
  EXPECT_TRUE(rig.at_a.log.empty());
  const auto s = rig.link.stats(0);
  EXPECT_EQ(s.frames, 1u);
  EXPECT_EQ(s.bytes, 1000u);
  EXPECT_EQ(s.delivered, 1u);
  EXPECT_EQ(rig.pool.in_use(), 0u);  // the frame's slot went back after delivery
}

TEST(SimLink, BackToBackFramesQueueBehindEachOther) {
  Rig rig(LinkConfig{.rate_bps = 100'000'000, .delay = 10ms});
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(rig.send(0, 1000, at_ns(0), i));
  ASSERT_TRUE(rig.send(0, 500, at_ns(200'000), 3));  // mid-serialization of the third: waits until 240 us
  ASSERT_TRUE(rig.send(0, 1000, at_ns(1'000'000'000), 4));  // the wire is idle again
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 5u);
  const std::int64_t want[] = {10'080'000, 10'160'000, 10'240'000, 10'280'000, 1'010'080'000};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(rig.at_b.log[i].time, at_ns(want[i])) << "frame " << i;
    EXPECT_EQ(seq_of(rig.at_b.log[i].bytes), i);
  }
}

TEST(SimLink, InFlightAndQueuedCountWhatIsOnTheWireAndWhatWaitsForIt) {
  // 1000-byte frames at 100 Mbit/s serialize in 80 us each; the delay is 10 ms.
  Rig rig(LinkConfig{.rate_bps = 100'000'000, .delay = 10ms});
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(rig.send(0, 1000, at_ns(0), i));
  EXPECT_EQ(rig.link.in_flight(0), 3u);
  EXPECT_EQ(rig.link.queued(0, at_ns(0)), 3u);        // one serializing, two waiting
  EXPECT_EQ(rig.link.queued(0, at_ns(100'000)), 2u);  // the first is propagating
  EXPECT_EQ(rig.link.queued(0, at_ns(240'000)), 0u);  // all three on their way
  EXPECT_EQ(rig.link.in_flight(1), 0u);
  EXPECT_EQ(rig.link.held(0), 0u);
  rig.sched.run_until(at_ns(10'080'000));  // the first has arrived
  EXPECT_EQ(rig.link.in_flight(0), 2u);
  rig.sched.run();
  EXPECT_EQ(rig.link.in_flight(0), 0u);
  EXPECT_EQ(rig.at_b.log.size(), 3u);
}

TEST(SimLink, ZeroRateAndDelayStillDeliverThroughAnEvent) {
  Rig rig(LinkConfig{});
  ASSERT_TRUE(rig.send(0, 60, at_ns(5)));
  ASSERT_TRUE(rig.send(0, 60, at_ns(5), 1));
  EXPECT_TRUE(rig.at_b.log.empty());
  EXPECT_EQ(rig.sched.size(), 2u);
  EXPECT_EQ(rig.sched.run(), 2u);
  ASSERT_EQ(rig.at_b.log.size(), 2u);
  EXPECT_EQ(rig.at_b.log[0].time, at_ns(5));
  EXPECT_EQ(rig.at_b.log[1].time, at_ns(5));
  EXPECT_EQ(seq_of(rig.at_b.log[1].bytes), 1u);
}

TEST(SimLink, QueueOverflowDropsExactlyTheExcess) {
  // 100 bytes at 1 Mbps: 800 us each. Ten fit (queued + serializing); the other fifteen are dropped.
  Rig rig(LinkConfig{.rate_bps = 1'000'000, .delay = 1ms, .queue = 10});
  int refused = 0;
  for (std::uint32_t i = 0; i < 25; ++i) {
    auto r = rig.send(0, 100, at_ns(0), i);
    if (!r) {
      EXPECT_EQ(r.error(), core::Reason::NicQueueFull);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 15);
  // At 800 us the first frame has left the wire (its serialization ended): exactly one more fits.
  EXPECT_TRUE(rig.send(0, 100, at_ns(800'000), 100));
  EXPECT_FALSE(rig.send(0, 100, at_ns(800'000), 101));
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 11u);
  for (std::uint32_t i = 0; i < 10; ++i) EXPECT_EQ(seq_of(rig.at_b.log[i].bytes), i);
  EXPECT_EQ(seq_of(rig.at_b.log[10].bytes), 100u);
  EXPECT_EQ(rig.at_b.log[10].time, at_ns(11 * 800'000 + 1'000'000));
  const auto s = rig.link.stats(0);
  EXPECT_EQ(s.frames, 11u);
  EXPECT_EQ(s.dropped_queue, 16u);
  EXPECT_EQ(s.dropped(), 16u);
  EXPECT_EQ(rig.link.dropped(), 16u);
  EXPECT_EQ(rig.pool.in_use(), 0u);
}

TEST(SimLink, TheQueueCountsFramesStillSerializingWhileEarlierOnesAreDelivered) {
  // 100 bytes at 1 Mbps: 800 us each, no propagation. Three fill the queue; once the first is delivered
  // (800 us), two are still serializing, so exactly one more fits.
  Rig rig(LinkConfig{.rate_bps = 1'000'000, .queue = 3});
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(rig.send(0, 100, at_ns(0), i));
  EXPECT_FALSE(rig.send(0, 100, at_ns(0), 99));
  rig.sched.run_until(at_ns(1'000'000));
  ASSERT_EQ(rig.at_b.log.size(), 1u);
  EXPECT_TRUE(rig.send(0, 100, at_ns(1'000'000), 3));
  EXPECT_FALSE(rig.send(0, 100, at_ns(1'000'000), 98));
  EXPECT_TRUE(rig.send(0, 100, at_ns(1'600'000), 4));  // the second's serialization ended: room again
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 5u);
  for (std::uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(seq_of(rig.at_b.log[i].bytes), i);
    EXPECT_EQ(rig.at_b.log[i].time, at_ns(800'000 * (i + 1))) << i;
  }
  EXPECT_EQ(rig.link.stats(0).dropped_queue, 2u);
}

TEST(SimLink, TimingAndDropsAgreeWithAReferenceModel) {
  // Random sizes and instants in both directions against a plain model of the rules in sim_link.hpp: the
  // queue holds the frames whose serialization has not ended, the wire serializes back to back.
  struct Model {
    std::vector<std::int64_t> ends;  // serialization end of every frame accepted
    std::int64_t busy = 0;
    std::uint64_t dropped = 0;
  };
  const LinkConfig config{.rate_bps = 50'000'000, .delay = 300us, .queue = 6};
  Rig rig(config);
  Model model[2];
  std::vector<Recorder::Arrival> want[2];
  core::Rng rng(99);
  std::int64_t t = 0;
  for (std::uint32_t i = 0; i < 5'000; ++i) {
    t += static_cast<std::int64_t>(rng.below(120'000));
    rig.sched.run_until(at_ns(t));
    const int side = static_cast<int>(rng.below(2));
    const std::size_t size = 60 + rng.below(1400);
    Model& m = model[side];
    std::size_t queued = 0;
    for (auto end : m.ends) queued += end > t ? 1 : 0;
    const bool accepted = static_cast<bool>(rig.send(side, size, at_ns(t), i));
    if (queued >= config.queue) {
      EXPECT_FALSE(accepted) << i;
      ++m.dropped;
      continue;
    }
    ASSERT_TRUE(accepted) << i;
    const std::int64_t end = std::max(t, m.busy) + SimLink::serialization_time(size, config.rate_bps).count();
    m.busy = end;
    m.ends.push_back(end);
    auto frame = make_frame(rig.pool, size, i);
    const auto b = std::as_const(frame).bytes();
    want[side].push_back({at_ns(end + core::to_ns(config.delay)), Frame(b.begin(), b.end())});
  }
  rig.sched.run();
  EXPECT_EQ(rig.at_b.log, want[0]);
  EXPECT_EQ(rig.at_a.log, want[1]);
  EXPECT_EQ(rig.link.stats(0).dropped_queue, model[0].dropped);
  EXPECT_EQ(rig.link.stats(1).dropped_queue, model[1].dropped);
  EXPECT_GT(model[0].dropped + model[1].dropped, 0u);
  EXPECT_EQ(rig.pool.in_use(), 0u);
}

TEST(SimLink, DestroyingTheLinkCancelsTheEventsOfItsFramesInFlight) {
  engine::Scheduler sched;
  core::BufferPool pool(64, 0);
  Recorder at_a, at_b;
  {
    SimLink link(sched, pool, LinkConfig{.delay = 1ms});
    link.attach(0, nic::NicInfo{}, at_a);
    link.attach(1, nic::NicInfo{}, at_b);
    for (std::uint32_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(link.nic(0).transmit(make_frame(pool, 60, i), at_ns(i)));
      ASSERT_TRUE(link.nic(1).transmit(make_frame(pool, 60, i), at_ns(i)));
    }
    EXPECT_EQ(sched.size(), 20u);
  }
  EXPECT_TRUE(sched.idle());
  EXPECT_EQ(sched.run(), 0u);
  EXPECT_EQ(pool.in_use(), 0u);  // the frames went back with the link
}

TEST(SimLink, FramesAboveTheSendersMtuNeverEnterTheLink) {
  Rig rig(LinkConfig{});
  auto send = [&](std::size_t size, std::vector<std::uint16_t> tags) {
    return rig.link.nic(0).transmit(make_frame(rig.pool, size, 0, std::move(tags)), at_ns(0));
  };
  EXPECT_TRUE(send(1514, {}));
  auto r = send(1515, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), core::Reason::NicMtuExceeded);
  EXPECT_TRUE(send(1518, {0x8100}));  // 802.1Q: 4 more bytes of header
  EXPECT_FALSE(send(1519, {0x8100}));
  EXPECT_TRUE(send(1522, {0x88a8, 0x8100}));  // 802.1ad outside 802.1Q
  EXPECT_FALSE(send(1523, {0x88a8, 0x8100}));
  rig.sched.run();
  EXPECT_EQ(rig.at_b.log.size(), 3u);
  EXPECT_EQ(rig.link.stats(0).dropped_mtu, 3u);
  EXPECT_EQ(rig.link.stats(0).frames, 3u);
}

TEST(SimLink, MtuIsTheSendingEnds) {
  engine::Scheduler sched;
  core::BufferPool pool(64, 1);
  SimLink link(sched, pool, LinkConfig{});
  Recorder at_a, at_b;
  link.attach(0, nic::NicInfo{.name = "a", .mac = {}, .mtu = 576}, at_a);
  link.attach(1, nic::NicInfo{.name = "b", .mac = {}, .mtu = 1500}, at_b);
  EXPECT_EQ(link.nic(0).info().mtu, 576);
  EXPECT_FALSE(link.nic(0).transmit(make_frame(pool, 1000), at_ns(0)));
  EXPECT_TRUE(link.nic(1).transmit(make_frame(pool, 1000), at_ns(0)));
  sched.run();
  EXPECT_EQ(at_a.log.size(), 1u);
  EXPECT_TRUE(at_b.log.empty());
}

TEST(SimLink, TheTwoDirectionsAreIndependent) {
  Rig rig(LinkConfig{.rate_bps = 1'000'000, .delay = 1ms, .queue = 2});
  // Each direction has its own wire and queue: both fill to 2, neither waits for the other.
  for (std::uint32_t i = 0; i < 3; ++i) {
    (void)rig.send(0, 100, at_ns(0), i);
    (void)rig.send(1, 100, at_ns(0), 10 + i);
  }
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 2u);
  ASSERT_EQ(rig.at_a.log.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto t = at_ns(static_cast<std::int64_t>(i + 1) * 800'000 + 1'000'000);
    EXPECT_EQ(rig.at_b.log[i].time, t);
    EXPECT_EQ(rig.at_a.log[i].time, t);
    EXPECT_EQ(seq_of(rig.at_b.log[i].bytes), i);
    EXPECT_EQ(seq_of(rig.at_a.log[i].bytes), 10 + i);
  }
  EXPECT_EQ(rig.link.stats(0).dropped_queue, 1u);
  EXPECT_EQ(rig.link.stats(1).dropped_queue, 1u);
  EXPECT_EQ(rig.link.frames(), 4u);
  EXPECT_EQ(rig.link.dropped(), 2u);
}

TEST(SimLink, LossRateWithinBoundsForASeed) {
  constexpr std::uint32_t kFrames = 50'000;
  constexpr double kLoss = 0.2;
  Rig rig(LinkConfig{.delay = 1us, .faults = {.loss = kLoss}, .seed = 99});
  for (std::uint32_t i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(rig.send(0, 64, at_ns(i * 1000), i));  // a lost frame is Ok to the sender
    rig.sched.run_until(at_ns(i * 1000));
  }
  rig.sched.run();
  const auto s = rig.link.stats(0);
  EXPECT_EQ(s.faults.frames, kFrames);
  EXPECT_EQ(s.frames + s.faults.lost, kFrames);
  EXPECT_EQ(rig.at_b.log.size(), s.frames);
  EXPECT_EQ(s.dropped(), s.faults.lost);
  const double mean = kFrames * kLoss, sigma = std::sqrt(mean * (1 - kLoss));
  EXPECT_NEAR(static_cast<double>(s.faults.lost), mean, 5 * sigma);
}

TEST(SimLink, AHeldReorderedFrameIsReleasedByTheLinksTimer) {
  LinkConfig config{.delay = 1ms, .faults = {.reorder = 1.0, .max_hold = 3ms}};
  Rig rig(config);
  ASSERT_TRUE(rig.send(0, 60, at_ns(0), 1));
  EXPECT_EQ(rig.link.stats(0).frames, 0u);  // held in front of the wire
  EXPECT_EQ(rig.link.held(0), 1u);
  EXPECT_EQ(rig.link.in_flight(0), 0u);
  EXPECT_EQ(rig.sched.next_time(), at_ns(3'000'000));
  rig.sched.run();
  EXPECT_EQ(rig.link.held(0), 0u);
  ASSERT_EQ(rig.at_b.log.size(), 1u);
  EXPECT_EQ(rig.at_b.log[0].time, at_ns(4'000'000));  // held 3 ms, then 1 ms of propagation

  // A second frame before max_hold releases the held one right behind it; the timer goes with it.
  ASSERT_TRUE(rig.send(0, 60, at_ns(10'000'000), 2));
  ASSERT_TRUE(rig.send(0, 60, at_ns(11'000'000), 3));
  rig.sched.run();
  ASSERT_EQ(rig.at_b.log.size(), 3u);
  EXPECT_EQ(seq_of(rig.at_b.log[1].bytes), 3u);
  EXPECT_EQ(seq_of(rig.at_b.log[2].bytes), 2u);
  EXPECT_EQ(rig.at_b.log[2].time, at_ns(12'000'000));
  EXPECT_EQ(rig.sched.now(), at_ns(12'000'000));  // no stale hold event ran later
}

/// A busy two-way exchange with every fault on; the delivery logs of both ends.
std::pair<std::vector<Recorder::Arrival>, std::vector<Recorder::Arrival>> faulty_run(std::uint64_t seed) {
  LinkConfig config{.rate_bps = 10'000'000,
                    .delay = 2ms,
                    .queue = 20,
                    .faults = {.loss = 0.05, .corrupt = 0.05, .duplicate = 0.05, .reorder = 0.05},
                    .seed = seed};
  Rig rig(config);
  for (std::uint32_t i = 0; i < 2000; ++i) {
    // A little faster than the wire can carry: some queueing, some drops.
    const auto t = at_ns(static_cast<std::int64_t>(i) * 500'000);
    rig.sched.run_until(t);
    (void)rig.send(0, 200 + i % 1000, t, i);
    (void)rig.send(1, 1200 - i % 1000, t, i);
  }
  rig.sched.run();
  for (int side = 0; side < 2; ++side) {  // every fault and the queue were exercised
    const auto s = rig.link.stats(side);
    EXPECT_GT(s.faults.lost, 0u);
    EXPECT_GT(s.faults.corrupted, 0u);
    EXPECT_GT(s.faults.duplicated, 0u);
    EXPECT_GT(s.faults.reordered, 0u);
    EXPECT_GT(s.dropped_queue, 0u);
  }
  return {rig.at_a.log, rig.at_b.log};
}

TEST(SimLink, IdenticalRunsGiveIdenticalDeliveryLogs) {
  const auto one = faulty_run(5);
  const auto two = faulty_run(5);
  const auto other = faulty_run(6);
  EXPECT_GT(one.second.size(), 1500u);
  EXPECT_EQ(one, two);
  EXPECT_NE(one, other);
}

TEST(SimLink, EachDirectionHasItsOwnFaultStream) {
  Rig rig(LinkConfig{.faults = {.loss = 0.5}, .seed = 3});
  for (std::uint32_t i = 0; i < 256; ++i) {
    (void)rig.send(0, 64, at_ns(i), i);
    (void)rig.send(1, 64, at_ns(i), i);
  }
  rig.sched.run();
  std::vector<std::uint32_t> a_to_b, b_to_a;
  for (const auto& x : rig.at_b.log) a_to_b.push_back(seq_of(x.bytes));
  for (const auto& x : rig.at_a.log) b_to_a.push_back(seq_of(x.bytes));
  EXPECT_NE(a_to_b, b_to_a);
}

TEST(SimLink, SlotArrayIsBoundedByThePoolAndItsExhaustionIsCounted) {
  // A pool of 8 frames: at most 8 in flight; the link's slots never need more.
  engine::Scheduler sched;
  core::BufferPool pool(8, 0);
  SimLink link(sched, pool, LinkConfig{.delay = 1ms});
  Recorder at_a, at_b;
  link.attach(0, nic::NicInfo{}, at_a);
  link.attach(1, nic::NicInfo{}, at_b);
  EXPECT_EQ(link.slot_capacity(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(link.nic(0).transmit(make_frame(pool, 60), at_ns(0)));
  EXPECT_FALSE(pool.allocate(60).has_value());
  sched.run();
  EXPECT_EQ(at_b.log.size(), 8u);
  EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace strata::sim::net
