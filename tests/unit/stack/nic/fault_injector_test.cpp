// SPDX-License-Identifier: MIT
// FaultInjector over a QueueNic: each fault's rate for a fixed seed within 5 sigma of the binomial, the shape
// of each fault (one bit, identical copies, swapped order, max_hold), determinism per seed, the no-fault
// path.
#include "stack/nic/fault_injector.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/nic/queue_nic.hpp"

namespace strata::nic {
namespace {

using Frame = std::vector<std::byte>;
constexpr std::size_t kFrameLen = 100;

/// Frame number `n`: its number in the first 4 bytes, then a pattern that depends on it.
Frame make_bytes(std::uint32_t n) {
  Frame f(kFrameLen);
  core::store_be32(f.data(), n);
  for (std::size_t i = 4; i < f.size(); ++i) f[i] = std::byte(static_cast<std::uint8_t>(n * 31 + i));
  return f;
}
core::PacketBuf make_frame(core::BufferPool& pool, std::uint32_t n) {
  auto p = pool.allocate(kFrameLen);
  EXPECT_TRUE(p.has_value());
  const Frame f = make_bytes(n);
  std::memcpy(p->append(f.size()).data(), f.data(), f.size());
  return std::move(*p);
}
std::uint32_t number_of(const Frame& f) {
  return core::load_be32(f.data());
}

/// An injector over a QueueNic whose frames are drained (copied out) after every call.
struct Rig {
  explicit Rig(FaultConfig config, std::uint64_t seed = 7, std::size_t pool_slots = 64)
      : pool(pool_slots, 1), inner(NicInfo{}, 64), faults(inner, pool, config, seed) {}

  core::Result<void> send(std::uint32_t n, core::Instant now = {}) {
    auto r = faults.transmit(make_frame(pool, n), now);
    drain();
    return r;
  }
  void advance(core::Instant now) {
    faults.advance(now);
    drain();
  }
  void drain() {
    while (auto p = inner.take()) {
      const auto b = std::as_const(*p).bytes();
      out.emplace_back(b.begin(), b.end());
    }
  }

  core::BufferPool pool;
  QueueNic inner;
  FaultInjector faults;
  std::vector<Frame> out;
};

/// |successes - n p| within 5 standard deviations of Binomial(n, p).
void expect_binomial(std::uint64_t successes, std::uint64_t trials, double p) {
  const double mean = static_cast<double>(trials) * p;
  const double sigma = std::sqrt(mean * (1 - p));
  EXPECT_NEAR(static_cast<double>(successes), mean, 5 * sigma)
      << successes << " of " << trials << " at p=" << p;
}

constexpr std::uint32_t kTrials = 100'000;

TEST(FaultInjector, ZeroProbabilitiesPassFramesUntouchedAndInOrder) {
  Rig rig(FaultConfig{});
  for (std::uint32_t n = 0; n < 1000; ++n) ASSERT_TRUE(rig.send(n));
  ASSERT_EQ(rig.out.size(), 1000u);
  for (std::uint32_t n = 0; n < 1000; ++n) EXPECT_EQ(rig.out[n], make_bytes(n));
  const auto& c = rig.faults.counters();
  EXPECT_EQ(c.frames, 1000u);
  EXPECT_EQ(c.lost + c.corrupted + c.duplicated + c.reordered + c.no_buffer, 0u);
  EXPECT_FALSE(rig.faults.next_deadline());
}

TEST(FaultInjector, LossRateWithinBoundsAndLostFramesReturnOk) {
  Rig rig(FaultConfig{.loss = 0.1});
  for (std::uint32_t n = 0; n < kTrials; ++n) ASSERT_TRUE(rig.send(n));  // a lost frame is still "sent"
  const auto& c = rig.faults.counters();
  EXPECT_EQ(c.frames, kTrials);
  EXPECT_EQ(rig.out.size(), kTrials - c.lost);
  expect_binomial(c.lost, kTrials, 0.1);
  // The survivors are untouched and in order.
  std::uint32_t last = 0;
  for (std::size_t i = 0; i < rig.out.size(); ++i) {
    const std::uint32_t n = number_of(rig.out[i]);
    if (i > 0) {
      EXPECT_GT(n, last);
    }
    EXPECT_EQ(rig.out[i], make_bytes(n));
    last = n;
  }
}

TEST(FaultInjector, CorruptionFlipsExactlyOneBitAtTheExpectedRate) {
  Rig rig(FaultConfig{.corrupt = 0.05});
  for (std::uint32_t n = 0; n < kTrials; ++n) ASSERT_TRUE(rig.send(n));
  ASSERT_EQ(rig.out.size(), kTrials);  // nothing lost, nothing reordered: out[n] is frame n
  std::uint64_t changed = 0;
  std::vector<std::uint64_t> flips_per_byte(kFrameLen, 0);
  for (std::uint32_t n = 0; n < kTrials; ++n) {
    const Frame want = make_bytes(n);
    int bits = 0;
    for (std::size_t i = 0; i < kFrameLen; ++i) {
      const int d =
          std::popcount(static_cast<unsigned>(std::to_integer<std::uint8_t>(rig.out[n][i] ^ want[i])));
      bits += d;
      flips_per_byte[i] += static_cast<std::uint64_t>(d);
    }
    ASSERT_LE(bits, 1) << "frame " << n;
    changed += static_cast<std::uint64_t>(bits);
  }
  EXPECT_EQ(changed, rig.faults.counters().corrupted);
  expect_binomial(changed, kTrials, 0.05);
  // Uniform over the frame: every byte position is hit (about 50 times each), the first and the last
  // included.
  for (std::size_t i = 0; i < kFrameLen; ++i) EXPECT_GT(flips_per_byte[i], 10u) << "byte " << i;
}

TEST(FaultInjector, DuplicatesAreByteIdenticalAndFollowTheOriginal) {
  Rig rig(FaultConfig{.duplicate = 0.05});
  for (std::uint32_t n = 0; n < kTrials; ++n) ASSERT_TRUE(rig.send(n));
  const auto& c = rig.faults.counters();
  ASSERT_EQ(rig.out.size(), kTrials + c.duplicated);
  std::uint64_t pairs = 0;
  std::uint32_t expect = 0;
  for (std::size_t i = 0; i < rig.out.size(); ++i) {
    ASSERT_EQ(rig.out[i], make_bytes(expect)) << "position " << i;
    if (i + 1 < rig.out.size() && rig.out[i + 1] == rig.out[i]) {
      ++pairs;
      ++i;
    }
    ++expect;
  }
  EXPECT_EQ(pairs, c.duplicated);
  EXPECT_EQ(c.no_buffer, 0u);
  expect_binomial(c.duplicated, kTrials, 0.05);
}

TEST(FaultInjector, DuplicateWithoutPoolSlotIsCountedAndTheOriginalStillGoes) {
  core::BufferPool pool(4, 0);
  QueueNic inner(NicInfo{}, 16);  // never drained: every frame sent keeps its slot
  FaultInjector faults(inner, pool, FaultConfig{.duplicate = 1.0}, 1);
  ASSERT_TRUE(faults.transmit(make_frame(pool, 0), {}));  // frame + copy: 2 slots
  ASSERT_TRUE(faults.transmit(make_frame(pool, 1), {}));  // frame + copy: 4 slots
  EXPECT_EQ(pool.free_slots(0), 0u);
  // Free one slot for the next original: its copy finds none.
  (void)inner.take();
  ASSERT_TRUE(faults.transmit(make_frame(pool, 2), {}));
  EXPECT_EQ(faults.counters().duplicated, 2u);
  EXPECT_EQ(faults.counters().no_buffer, 1u);
  EXPECT_EQ(inner.pending(), 4u);  // 0', 1, 1', 2
}

TEST(FaultInjector, ReorderSwapsAFrameWithTheNextOne) {
  Rig rig(FaultConfig{.reorder = 1.0});
  ASSERT_TRUE(rig.send(1));
  EXPECT_TRUE(rig.out.empty());
  EXPECT_TRUE(rig.faults.holding());
  ASSERT_TRUE(rig.send(2));  // passes the held frame, is not held itself
  ASSERT_TRUE(rig.send(3));
  ASSERT_TRUE(rig.send(4));
  ASSERT_EQ(rig.out.size(), 4u);
  EXPECT_EQ(number_of(rig.out[0]), 2u);
  EXPECT_EQ(number_of(rig.out[1]), 1u);
  EXPECT_EQ(number_of(rig.out[2]), 4u);
  EXPECT_EQ(number_of(rig.out[3]), 3u);
  EXPECT_EQ(rig.faults.counters().reordered, 2u);
}

TEST(FaultInjector, MaxHoldReleasesALoneHeldFrame) {
  FaultConfig config{.reorder = 1.0, .max_hold = std::chrono::milliseconds(2)};
  Rig rig(config);
  const core::Instant t0 = core::instant_from_ns(5'000'000);
  ASSERT_TRUE(rig.send(9, t0));
  ASSERT_TRUE(rig.faults.next_deadline());
  EXPECT_EQ(*rig.faults.next_deadline(), t0 + std::chrono::milliseconds(2));
  rig.advance(t0 + std::chrono::microseconds(1999));
  EXPECT_TRUE(rig.out.empty());
  rig.advance(t0 + std::chrono::milliseconds(2));
  ASSERT_EQ(rig.out.size(), 1u);
  EXPECT_EQ(rig.out[0], make_bytes(9));
  EXPECT_FALSE(rig.faults.next_deadline());
  EXPECT_EQ(rig.faults.counters().released_by_timer, 1u);
  EXPECT_EQ(rig.inner.last_transmit(), t0 + std::chrono::milliseconds(2));
}

TEST(FaultInjector, ReorderRateWithinBoundsAndEveryReorderIsOneSwap) {
  Rig rig(FaultConfig{.reorder = 0.1});
  for (std::uint32_t n = 0; n < kTrials; ++n) ASSERT_TRUE(rig.send(n));
  rig.advance(core::instant_from_ns(1'000'000'000));  // the last frame may still be held
  const auto& c = rig.faults.counters();
  ASSERT_EQ(rig.out.size(), kTrials);
  // Every frame out of order is one adjacent swap: n+1 then n.
  std::uint64_t swaps = 0;
  for (std::size_t i = 0; i < rig.out.size();) {
    const std::uint32_t n = number_of(rig.out[i]);
    if (n == i) {
      ++i;
      continue;
    }
    ASSERT_EQ(n, i + 1);
    ASSERT_EQ(number_of(rig.out[i + 1]), i);
    ++swaps;
    i += 2;
  }
  EXPECT_EQ(swaps + c.released_by_timer, c.reordered);
  // A frame passing a held one draws no reorder: the draws are the frames minus those that released a hold.
  const std::uint64_t draws = kTrials - (c.reordered - c.released_by_timer);
  expect_binomial(c.reordered, draws, 0.1);
}

/// Everything at once, as (frame number, bytes) in delivery order.
std::vector<Frame> run_all_faults(std::uint64_t seed) {
  Rig rig(FaultConfig{.loss = 0.1, .corrupt = 0.1, .duplicate = 0.1, .reorder = 0.1}, seed);
  for (std::uint32_t n = 0; n < 2000; ++n) EXPECT_TRUE(rig.send(n, core::instant_from_ns(n * 1000)));
  rig.advance(core::instant_from_ns(1'000'000'000));
  return rig.out;
}

TEST(FaultInjector, SameSeedGivesTheSameFaultsAndAnotherSeedDoesNot) {
  const auto a = run_all_faults(42);
  const auto b = run_all_faults(42);
  const auto c = run_all_faults(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace strata::nic
