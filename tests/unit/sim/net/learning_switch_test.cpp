// SPDX-License-Identifier: MIT
// LearningSwitch: flooding before learning, unicast after, filtering, aging, capacity eviction (against a
// reference model), broadcast and multicast, garbage frames, pool exhaustion, a run through real SimLinks.
#include "sim/net/learning_switch.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "sim/engine/scheduler.hpp"
#include "sim/net/sim_link.hpp"
#include "stack/core/rng.hpp"
#include "stack/nic/queue_nic.hpp"

namespace strata::sim::net {
namespace {

using Frame = std::vector<std::byte>;
using namespace std::chrono_literals;

core::Instant at_ms(std::int64_t ms) {
  return core::Instant(std::chrono::milliseconds(ms));
}

wire::MacAddress mac(std::uint8_t last, std::uint8_t first = 0x02) {
  return {{first, 0, 0, 0, 0, last}};
}

Frame frame(wire::MacAddress dst, wire::MacAddress src, std::size_t size = 64, std::uint8_t fill = 0xab) {
  Frame f(size, std::byte{fill});
  if (size >= 14) {
    dst.store(f.data());
    src.store(f.data() + 6);
    core::store_be16(f.data() + 12, 0x0800);
  }
  return f;
}

/// A switch whose ports transmit into QueueNics the test drains.
struct SwitchRig {
  explicit SwitchRig(std::size_t ports, core::Duration aging = 300s, std::size_t capacity = 4096,
                     std::size_t pool_slots = 1024)
      : pool(pool_slots, 0), sw("sw1", pool, aging, capacity) {
    for (std::size_t i = 0; i < ports; ++i) {
      outs.push_back(std::make_unique<nic::QueueNic>(nic::NicInfo{}, 64));
      sinks.push_back(&sw.add_port(*outs.back()));
    }
  }
  /// The frame arrives in a pool buffer, as a link hands it over.
  void arrive(std::size_t port, const Frame& f, core::Instant now = {}) {
    auto p = pool.allocate(f.size(), 0);
    ASSERT_TRUE(p.has_value());
    if (!f.empty()) std::memcpy(p->append(f.size()).data(), f.data(), f.size());
    sinks[port]->receive(std::move(*p), now);
  }
  /// Frames each port sent since the last call.
  std::vector<std::vector<Frame>> sent() {
    std::vector<std::vector<Frame>> out(outs.size());
    for (std::size_t i = 0; i < outs.size(); ++i)
      while (auto p = outs[i]->take()) {
        const auto b = std::as_const(*p).bytes();
        out[i].emplace_back(b.begin(), b.end());
      }
    return out;
  }
  /// Which ports sent something since the last call.
  std::vector<std::size_t> ports_sent() {
    std::vector<std::size_t> out;
    const auto s = sent();
    for (std::size_t i = 0; i < s.size(); ++i)
      if (!s[i].empty()) out.push_back(i);
    return out;
  }

  core::BufferPool pool;
  LearningSwitch sw;
  std::vector<std::unique_ptr<nic::QueueNic>> outs;
  std::vector<FrameSink*> sinks;
};

using Ports = std::vector<std::size_t>;

TEST(LearningSwitch, FloodsAFrameToAnUnknownDestinationToEveryOtherPort) {
  SwitchRig rig(4);
  EXPECT_EQ(rig.sw.ports(), 4u);
  EXPECT_EQ(rig.sw.name(), "sw1");
  const Frame f = frame(mac(2), mac(1));
  rig.arrive(1, f);
  const auto s = rig.sent();
  EXPECT_TRUE(s[1].empty());
  for (std::size_t p : {0, 2, 3}) {
    ASSERT_EQ(s[p].size(), 1u);
    EXPECT_EQ(s[p][0], f);  // byte-identical copies
  }
  EXPECT_EQ(rig.sw.stats().received, 1u);
  EXPECT_EQ(rig.sw.stats().flooded, 1u);
  EXPECT_EQ(rig.sw.stats().forwarded, 0u);
}

TEST(LearningSwitch, ForwardsToTheLearnedPortOnlyOnceBothEndsAreKnown) {
  SwitchRig rig(4);
  rig.arrive(0, frame(mac(2), mac(1)));  // A (port 0) -> B: unknown, flooded
  EXPECT_EQ(rig.ports_sent(), (Ports{1, 2, 3}));
  rig.arrive(2, frame(mac(1), mac(2)));  // B (port 2) -> A: A is known
  EXPECT_EQ(rig.ports_sent(), (Ports{0}));
  rig.arrive(0, frame(mac(2), mac(1)));  // A -> B: now known too
  EXPECT_EQ(rig.ports_sent(), (Ports{2}));
  EXPECT_EQ(rig.sw.lookup(mac(1), {}), 0u);
  EXPECT_EQ(rig.sw.lookup(mac(2), {}), 2u);
  EXPECT_FALSE(rig.sw.lookup(mac(3), {}));
  EXPECT_EQ(rig.sw.stats().forwarded, 2u);
  EXPECT_EQ(rig.sw.stats().flooded, 1u);
}

TEST(LearningSwitch, FiltersAFrameWhoseDestinationIsBehindItsOwnPort) {
  SwitchRig rig(3);
  rig.arrive(0, frame(mac(9), mac(1)));
  rig.arrive(0, frame(mac(9), mac(2)));  // A and C both behind port 0 (a hub, another switch)
  (void)rig.sent();
  rig.arrive(0, frame(mac(2), mac(1)));
  EXPECT_TRUE(rig.ports_sent().empty());
  EXPECT_EQ(rig.sw.stats().filtered, 1u);
}

TEST(LearningSwitch, AStationThatMovesIsRelearnedOnItsNewPort) {
  SwitchRig rig(3);
  rig.arrive(0, frame(mac(9), mac(1)));
  rig.arrive(2, frame(mac(9), mac(1)));
  EXPECT_EQ(rig.sw.lookup(mac(1), {}), 2u);
  EXPECT_EQ(rig.sw.table_size(), 1u);
}

TEST(LearningSwitch, EntriesAgeOutAndTheDestinationFloodsAgain) {
  SwitchRig rig(3, 10s);
  rig.arrive(0, frame(mac(9), mac(1)), at_ms(0));
  EXPECT_EQ(rig.sw.lookup(mac(1), at_ms(9'999)), 0u);
  EXPECT_FALSE(rig.sw.lookup(mac(1), at_ms(10'000)));  // gone at learned + aging
  (void)rig.sent();
  rig.arrive(1, frame(mac(1), mac(2)), at_ms(10'000));
  EXPECT_EQ(rig.ports_sent(), (Ports{0, 2}));
  // Traffic from A refreshes its entry.
  rig.arrive(0, frame(mac(2), mac(1)), at_ms(15'000));
  EXPECT_EQ(rig.sw.lookup(mac(1), at_ms(24'999)), 0u);
  EXPECT_FALSE(rig.sw.lookup(mac(1), at_ms(25'000)));
}

TEST(LearningSwitch, AFullTableEvictsTheEntryLearnedLongestAgo) {
  SwitchRig rig(4, 300s, 3);
  rig.arrive(0, frame(mac(9), mac(1)), at_ms(1));
  rig.arrive(1, frame(mac(9), mac(2)), at_ms(2));
  rig.arrive(2, frame(mac(9), mac(3)), at_ms(3));
  rig.arrive(0, frame(mac(9), mac(1)), at_ms(4));  // refresh: now 2 is the oldest
  rig.arrive(3, frame(mac(9), mac(4)), at_ms(5));
  EXPECT_EQ(rig.sw.table_size(), 3u);
  EXPECT_FALSE(rig.sw.lookup(mac(2), at_ms(5)));
  EXPECT_EQ(rig.sw.lookup(mac(1), at_ms(5)), 0u);
  EXPECT_EQ(rig.sw.lookup(mac(3), at_ms(5)), 2u);
  EXPECT_EQ(rig.sw.lookup(mac(4), at_ms(5)), 3u);
}

TEST(LearningSwitch, ADestinationEvictedAfterFramesWentToItFloodsAgain) {
  // forward() tries the entry it found last first. Once that entry is evicted and reused for another
  // station, frames to the evicted one must flood again, and frames to the new one go to its port.
  SwitchRig rig(4, 300s, 2);
  rig.arrive(0, frame(wire::MacAddress::broadcast(), mac(1)), at_ms(1));  // A on port 0
  (void)rig.sent();
  rig.arrive(1, frame(mac(1), mac(2)), at_ms(2));  // B (port 1) -> A
  EXPECT_EQ(rig.ports_sent(), (Ports{0}));
  rig.arrive(2, frame(wire::MacAddress::broadcast(), mac(3)), at_ms(3));  // C evicts A, the oldest
  (void)rig.sent();
  EXPECT_FALSE(rig.sw.lookup(mac(1), at_ms(3)));
  rig.arrive(1, frame(mac(1), mac(2)), at_ms(4));  // B -> A: unknown again
  EXPECT_EQ(rig.ports_sent(), (Ports{0, 2, 3}));
  rig.arrive(1, frame(mac(3), mac(2)), at_ms(5));  // B -> C
  EXPECT_EQ(rig.ports_sent(), (Ports{2}));
  rig.arrive(1, frame(mac(3), mac(2)), at_ms(6));
  EXPECT_EQ(rig.ports_sent(), (Ports{2}));
}

TEST(LearningSwitch, TableMatchesAReferenceModelUnderChurn) {
  // Many MACs through a small table: learning, refreshing, evicting; the table must agree with a plain model.
  constexpr std::size_t kCapacity = 64;
  SwitchRig rig(8, 300s, kCapacity);
  std::list<wire::MacAddress> lru;  // oldest first
  std::map<wire::MacAddress, std::size_t> port_of;
  core::Rng rng(11);
  for (int i = 0; i < 20'000; ++i) {
    const auto m =
        mac(static_cast<std::uint8_t>(rng.below(200)), static_cast<std::uint8_t>(2 + 4 * rng.below(4)));
    const std::size_t port = rng.below(8);
    rig.arrive(port, frame(wire::MacAddress::broadcast(), m), at_ms(i));
    if (port_of.count(m)) {
      lru.remove(m);
    } else if (port_of.size() == kCapacity) {
      port_of.erase(lru.front());
      lru.pop_front();
    }
    lru.push_back(m);
    port_of[m] = port;
    if (i % 64 == 0) (void)rig.sent();
  }
  EXPECT_EQ(rig.sw.table_size(), kCapacity);
  for (std::uint8_t first : {2, 6, 10, 14})
    for (int last = 0; last < 200; ++last) {
      const auto m = mac(static_cast<std::uint8_t>(last), first);
      const auto it = port_of.find(m);
      const auto got = rig.sw.lookup(m, at_ms(20'000));
      if (it == port_of.end()) {
        EXPECT_FALSE(got) << m.to_string();
      } else {
        EXPECT_EQ(got, it->second) << m.to_string();
      }
    }
}

TEST(LearningSwitch, BroadcastAndMulticastAlwaysFloodAndAreNeverLearned) {
  SwitchRig rig(3);
  rig.arrive(0, frame(mac(2), mac(1)));
  rig.arrive(1, frame(mac(1), mac(2)));
  (void)rig.sent();
  rig.arrive(1, frame(wire::MacAddress::broadcast(), mac(2)));
  EXPECT_EQ(rig.ports_sent(), (Ports{0, 2}));
  const auto multicast = wire::MacAddress{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
  rig.arrive(0, frame(multicast, mac(1)));
  EXPECT_EQ(rig.ports_sent(), (Ports{1, 2}));
  rig.arrive(2, frame(mac(1), multicast));  // a multicast source (bogus) is forwarded but not learned
  EXPECT_EQ(rig.ports_sent(), (Ports{0}));
  EXPECT_FALSE(rig.sw.lookup(multicast, {}));
  EXPECT_FALSE(rig.sw.lookup(wire::MacAddress::broadcast(), {}));
}

TEST(LearningSwitch, ShortFramesAreCountedAndDropped) {
  SwitchRig rig(3);
  rig.arrive(0, Frame{});
  rig.arrive(0, frame(mac(2), mac(1), 13));
  EXPECT_TRUE(rig.ports_sent().empty());
  EXPECT_EQ(rig.sw.stats().received, 2u);
  EXPECT_EQ(rig.sw.stats().dropped_malformed, 2u);
  EXPECT_EQ(rig.sw.table_size(), 0u);
  rig.arrive(0, frame(mac(2), mac(1), 14));  // a bare header is a frame
  EXPECT_EQ(rig.ports_sent(), (Ports{1, 2}));
}

TEST(LearningSwitch, ACopyWithoutAPoolSlotIsCountedAndTheOtherPortsStillGetTheirs) {
  // A pool of two: the arriving frame holds one, the copy for port 1 takes the other, port 2's copy finds
  // none, and port 3, the last, gets the arriving frame itself.
  SwitchRig rig(4, 300s, 16, 2);
  rig.arrive(0, frame(mac(2), mac(1)));
  EXPECT_EQ(rig.sw.stats().dropped_no_buffer, 1u);
  EXPECT_EQ(rig.ports_sent(), (Ports{1, 3}));
  EXPECT_EQ(rig.pool.in_use(), 0u);
}

TEST(LearningSwitch, AKnownUnicastFrameGoesOutItselfWithoutAPoolCopy) {
  // A pool of one slot, held by the arriving frame: flooding has no slot for a copy, but forwarding to a
  // known port needs none.
  SwitchRig rig(3, 300s, 16, 1);
  rig.arrive(1, frame(mac(9), mac(2)));
  EXPECT_EQ(rig.sw.stats().dropped_no_buffer, 1u);  // port 0's copy
  EXPECT_EQ(rig.ports_sent(), (Ports{2}));          // port 2, the last, got the frame itself
  rig.arrive(0, frame(mac(2), mac(1)));
  EXPECT_EQ(rig.ports_sent(), (Ports{1}));
  EXPECT_EQ(rig.sw.stats().forwarded, 1u);
  EXPECT_EQ(rig.sw.stats().dropped_no_buffer, 1u);
  EXPECT_EQ(rig.pool.in_use(), 0u);
}

TEST(LearningSwitch, MacsThatDifferInAnyOneOctetAreTableEntriesOfTheirOwn) {
  // The table hashes all six octets: stations numbered in any one octet neither collide into one entry nor
  // lose their port, and the bound and the eviction order hold for them.
  constexpr std::size_t kCapacity = 40;
  for (int octet = 0; octet < 6; ++octet) {
    SwitchRig rig(4, 300s, kCapacity);
    auto station = [&](int i) {
      wire::MacAddress m{{0x02, 0x10, 0x20, 0x30, 0x40, 0x50}};
      // In the first octet only even values: the low bit would make it a multicast address.
      m.octets[octet] = static_cast<std::uint8_t>(octet == 0 ? 2 * i + 2 : i);
      return m;
    };
    for (int i = 0; i < 50; ++i)
      rig.arrive(static_cast<std::size_t>(i % 4), frame(mac(0xee), station(i)), at_ms(i));
    EXPECT_EQ(rig.sw.table_size(), kCapacity) << octet;
    for (int i = 0; i < 50; ++i) {
      const auto got = rig.sw.lookup(station(i), at_ms(50));
      if (i < 10) {
        EXPECT_FALSE(got) << octet << " " << i;  // the ten learned first were evicted
      } else {
        EXPECT_EQ(got, static_cast<std::size_t>(i % 4)) << octet << " " << i;
      }
    }
  }
}

TEST(LearningSwitch, ARefreshedStationOutlivesItsOriginalAgeAndLaterOnesAgeInOrder) {
  SwitchRig rig(3, 10s, 4);
  rig.arrive(0, frame(mac(9), mac(1)), at_ms(0));
  rig.arrive(1, frame(mac(9), mac(2)), at_ms(1'000));
  rig.arrive(2, frame(mac(9), mac(3)), at_ms(2'000));
  rig.arrive(1, frame(mac(9), mac(1)), at_ms(5'000));  // refreshed, and moved to port 1
  EXPECT_EQ(rig.sw.lookup(mac(1), at_ms(14'999)), 1u);
  EXPECT_FALSE(rig.sw.lookup(mac(2), at_ms(11'000)));
  EXPECT_EQ(rig.sw.lookup(mac(3), at_ms(11'000)), 2u);
  EXPECT_FALSE(rig.sw.lookup(mac(3), at_ms(12'000)));
  EXPECT_FALSE(rig.sw.lookup(mac(1), at_ms(15'000)));
  EXPECT_EQ(rig.sw.table_size(), 3u);  // aged entries stay until evicted or refreshed
  // Filling the table: the entry learned or refreshed longest ago goes first, aged or not: mac 2, then
  // mac 3, then mac 1 (refreshed after both).
  rig.arrive(0, frame(mac(9), mac(4)), at_ms(16'000));
  EXPECT_EQ(rig.sw.table_size(), 4u);
  rig.arrive(0, frame(mac(9), mac(5)), at_ms(16'001));
  EXPECT_EQ(rig.sw.table_size(), 4u);
  rig.arrive(0, frame(mac(9), mac(6)), at_ms(16'002));
  rig.arrive(0, frame(mac(9), mac(2)), at_ms(16'003));
  EXPECT_EQ(rig.sw.table_size(), 4u);
  EXPECT_EQ(rig.sw.lookup(mac(2), at_ms(16'003)), 0u);
  EXPECT_FALSE(rig.sw.lookup(mac(3), at_ms(16'003)));
  EXPECT_FALSE(rig.sw.lookup(mac(1), at_ms(16'003)));
  for (std::uint8_t m : {4, 5, 6}) EXPECT_EQ(rig.sw.lookup(mac(m), at_ms(16'003)), 0u) << int{m};
  // Only three learned since: relearning mac 1 evicts mac 4, the oldest left.
  rig.arrive(2, frame(mac(9), mac(1)), at_ms(16'004));
  EXPECT_FALSE(rig.sw.lookup(mac(4), at_ms(16'004)));
  EXPECT_EQ(rig.sw.lookup(mac(1), at_ms(16'004)), 2u);
}

/// Records arrivals at a host's end of a link.
struct HostRecorder final : FrameSink {
  void receive(core::PacketBuf&& f, core::Instant now) override {
    const auto b = std::as_const(f).bytes();
    log.push_back({now, Frame(b.begin(), b.end())});
  }
  std::vector<std::pair<core::Instant, Frame>> log;
};

TEST(LearningSwitch, ForwardsThroughSimLinksAtTheInstantOfArrival) {
  engine::Scheduler sched;
  core::BufferPool pool(64, 0);
  LearningSwitch sw("sw1", pool);
  std::vector<std::unique_ptr<SimLink>> links;
  std::vector<HostRecorder> hosts(3);
  for (std::size_t i = 0; i < 3; ++i) {
    links.push_back(std::make_unique<SimLink>(sched, pool, LinkConfig{.delay = 1ms}));
    links[i]->attach(0, nic::NicInfo{.name = "eth0", .mac = mac(static_cast<std::uint8_t>(i + 1))}, hosts[i]);
    links[i]->attach(1, nic::NicInfo{.name = "sw1", .mac = {}}, sw.add_port(links[i]->nic(1)));
  }
  auto send = [&](std::size_t from, const Frame& f, core::Instant now) {
    auto p = pool.allocate(f.size());
    std::memcpy(p->append(f.size()).data(), f.data(), f.size());
    ASSERT_TRUE(links[from]->nic(0).transmit(std::move(*p), now));
  };
  send(0, frame(mac(2), mac(1)), at_ms(0));
  sched.run();
  EXPECT_TRUE(hosts[0].log.empty());
  ASSERT_EQ(hosts[1].log.size(), 1u);
  ASSERT_EQ(hosts[2].log.size(), 1u);  // flooded
  EXPECT_EQ(hosts[1].log[0].first, at_ms(2));
  EXPECT_EQ(hosts[2].log[0].first, at_ms(2));

  send(1, frame(mac(1), mac(2)), at_ms(10));
  sched.run();
  ASSERT_EQ(hosts[0].log.size(), 1u);
  EXPECT_EQ(hosts[0].log[0].first, at_ms(12));
  EXPECT_EQ(hosts[2].log.size(), 1u);  // unicast: nothing more for the third host
  EXPECT_EQ(sw.stats().forwarded, 1u);
  EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace strata::sim::net
