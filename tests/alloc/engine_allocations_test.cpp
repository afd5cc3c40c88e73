// SPDX-License-Identifier: MIT
// The scheduler allocates nothing per event once its storage has reached the high-water mark of pending
// events (sim/engine/scheduler.hpp): schedule + dispatch in steady state, and cancel + re-arm, cost no heap.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/engine/scheduler.hpp"
#include "stack/core/rng.hpp"
#include "tests/support/counting_allocator.hpp"

namespace strata::sim::engine {
namespace {

using test::allocations;

constexpr std::size_t kPending = 10'000;
constexpr int kCycles = 100'000;

/// Each event it receives schedules its replacement a pseudo-random delay later, so the number pending
/// stays where it was. The delays are drawn up front: the test measures the scheduler, not the rng.
class Replacer final : public EventTarget {
 public:
  Replacer(Scheduler& s, std::uint64_t seed) : scheduler_(s), delays_(4096) {
    core::Rng rng(seed);
    for (auto& d : delays_) d = core::Duration(1 + rng.below(1'000'000));
  }
  void on_event(std::uint64_t tag, core::Instant) override {
    scheduler_.schedule_in(delays_[next_++ % delays_.size()], *this, tag + 1);
    ++received_;
  }
  core::Duration delay(std::size_t i) const { return delays_[i % delays_.size()]; }
  std::uint64_t received() const { return received_; }

 private:
  Scheduler& scheduler_;
  std::vector<core::Duration> delays_;
  std::size_t next_ = 0;
  std::uint64_t received_ = 0;
};

TEST(EngineAllocations, ScheduleAndDispatchWithTenThousandPendingAllocateNothing) {
  Scheduler s;
  Replacer target(s, 42);
  for (std::size_t i = 0; i < kPending; ++i) s.schedule_in(target.delay(i * 7), target, 0);
  s.set_after_event([](core::Instant) {});  // the hook is part of the dispatch path
  // Warm-up: a full turnover of the pending set, so every vector has seen its high-water mark.
  ASSERT_EQ(s.run_for(2 * kPending), 2 * kPending);
  const auto before = allocations();
  const auto done = s.run_for(kCycles);
  const auto made = allocations() - before;
  EXPECT_EQ(done, static_cast<std::uint64_t>(kCycles));
  EXPECT_EQ(made, 0u);
  EXPECT_EQ(s.size(), kPending);
  EXPECT_EQ(target.received(), 2 * kPending + kCycles);
}

/// Ignores its events (a wake-up target).
class Sink final : public EventTarget {
 public:
  void on_event(std::uint64_t, core::Instant) override { ++received; }
  std::uint64_t received = 0;
};

TEST(EngineAllocations, CancelAndRearmAllocateNothing) {
  // A host driver's pattern: after every event, cancel the host's wake-up and schedule it again (often far
  // away), while the other events come and go.
  Scheduler s;
  Sink sink;
  Replacer traffic(s, 7);
  for (std::size_t i = 0; i < kPending; ++i) s.schedule_in(traffic.delay(i), traffic, 0);
  TimerId wakeup;
  auto cycle = [&](int i) {
    s.cancel(wakeup);
    wakeup = s.schedule_in(core::Duration(1'000'000'000 + i), sink, 0);
    s.run_one();
  };
  for (int i = 0; i < 2 * static_cast<int>(kPending); ++i) cycle(i);
  const auto before = allocations();
  for (int i = 0; i < kCycles; ++i) cycle(i);
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_EQ(sink.received, 0u);
  EXPECT_EQ(s.size(), kPending + 1);
}

}  // namespace
}  // namespace strata::sim::engine
