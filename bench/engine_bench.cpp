// SPDX-License-Identifier: MIT
// BM_EngineEvents (DESIGN.md §8; the name is a contract): the discrete-event scheduler with 10 000 events
// pending. Each iteration dispatches one event, whose handler schedules its replacement a pseudo-random delay
// later, so the pending set stays at 10 000 and every iteration is one schedule plus one dispatch.
// items = events dispatched, so events/s shows. Delays come from a seeded core::Rng, drawn up front into a
// table the handler walks (the rng is not what is measured).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/scheduler.hpp"
#include "stack/core/rng.hpp"
#include "stack/core/time.hpp"

namespace {

namespace core = strata::core;
namespace engine = strata::sim::engine;

constexpr std::size_t kPendingEvents = 10'000;
constexpr std::size_t kDelayTableSize = 1 << 16;  // a power of two: the index wraps with a mask
constexpr std::uint32_t kMaxDelayNs = 1'000'000;  // up to 1 ms: events spread over many distinct instants

/// Schedules a replacement for every event it receives.
class Replacer final : public engine::EventTarget {
 public:
  Replacer(engine::Scheduler& scheduler, std::uint64_t seed)
      : scheduler_(scheduler), delays_(kDelayTableSize) {
    core::Rng rng(seed);
    for (auto& d : delays_) d = core::Duration(1 + rng.below(kMaxDelayNs));
  }
  void on_event(std::uint64_t tag, core::Instant) override {
    scheduler_.schedule_in(next_delay(), *this, tag + 1);
  }
  core::Duration next_delay() { return delays_[next_++ & (kDelayTableSize - 1)]; }

 private:
  engine::Scheduler& scheduler_;
  std::vector<core::Duration> delays_;
  std::size_t next_ = 0;
};

void BM_EngineEvents(benchmark::State& state) {
  engine::Scheduler scheduler;
  Replacer target(scheduler, 42);
  for (std::size_t i = 0; i < kPendingEvents; ++i) scheduler.schedule_in(target.next_delay(), target, 0);
  // One full turnover before timing: storage at its high-water mark, the heap in a steady shape.
  scheduler.run_for(kPendingEvents);
  for (auto _ : state) {
    const bool ran = scheduler.run_one();
    benchmark::DoNotOptimize(ran);
  }
  if (scheduler.size() != kPendingEvents) state.SkipWithError("pending set did not stay at 10 000");
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(scheduler.size());
}
BENCHMARK(BM_EngineEvents);

}  // namespace
