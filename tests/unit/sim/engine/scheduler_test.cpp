// SPDX-License-Identifier: MIT
// The discrete-event scheduler: order by (time, scheduling order), cancellation with stale-handle safety,
// the run_* bounds, clamping of past instants, the after-event hook, and its size/idle/next_time view.
#include "sim/engine/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace strata::sim::engine {
namespace {

using core::Instant;
using core::instant_from_ns;
using namespace std::chrono_literals;

/// One dispatched event as a target saw it.
struct Fired {
  std::uint64_t tag;
  std::int64_t at_ns;
  bool operator==(const Fired&) const = default;
};

/// Records every event it receives; an optional reaction runs inside on_event (to schedule or cancel more).
class Recorder final : public EventTarget {
 public:
  void on_event(std::uint64_t tag, Instant now) override {
    fired.push_back(Fired{tag, core::to_ns(now)});
    if (react) react(tag, now);
  }
  std::vector<std::uint64_t> tags() const {
    std::vector<std::uint64_t> out;
    for (const auto& f : fired) out.push_back(f.tag);
    return out;
  }

  std::vector<Fired> fired;
  std::function<void(std::uint64_t, Instant)> react;
};

Instant at(std::int64_t ns) {
  return instant_from_ns(ns);
}

TEST(Scheduler, StartsIdleAtTimeZero) {
  Scheduler s;
  EXPECT_TRUE(s.idle());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.now(), Instant{});
  EXPECT_FALSE(s.next_time());
  EXPECT_FALSE(s.run_one());
  EXPECT_EQ(s.run(), 0u);
  EXPECT_EQ(s.dispatched(), 0u);
}

TEST(Scheduler, DispatchesInTimeOrder) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(300), r, 3);
  s.schedule_at(at(100), r, 1);
  s.schedule_at(at(500), r, 5);
  s.schedule_at(at(200), r, 2);
  s.schedule_at(at(400), r, 4);
  EXPECT_EQ(s.run(), 5u);
  EXPECT_EQ(r.fired, (std::vector<Fired>{{1, 100}, {2, 200}, {3, 300}, {4, 400}, {5, 500}}));
  EXPECT_EQ(s.now(), at(500));
  EXPECT_EQ(s.dispatched(), 5u);
}

TEST(Scheduler, EventsAtTheSameInstantRunInSchedulingOrder) {
  Scheduler s;
  Recorder r;
  for (std::uint64_t tag = 0; tag < 50; ++tag) s.schedule_at(at(1000), r, tag);
  s.schedule_at(at(999), r, 1000);
  s.run();
  ASSERT_EQ(r.fired.size(), 51u);
  EXPECT_EQ(r.fired[0], (Fired{1000, 999}));
  for (std::uint64_t i = 0; i < 50; ++i) EXPECT_EQ(r.fired[i + 1], (Fired{i, 1000})) << i;
}

TEST(Scheduler, FifoTiesHoldAcrossInterleavedTimes) {
  // Ties broken by scheduling order even when the heap was reshuffled by other times in between.
  Scheduler s;
  Recorder r;
  std::vector<std::uint64_t> expected_at_7;
  for (std::uint64_t tag = 0; tag < 200; ++tag) {
    const std::int64_t t = (tag * 37) % 11;
    s.schedule_at(at(t), r, tag);
    if (t == 7) expected_at_7.push_back(tag);
  }
  s.run();
  std::vector<std::uint64_t> got_at_7;
  std::int64_t last = -1;
  for (const auto& f : r.fired) {
    EXPECT_GE(f.at_ns, last);
    last = f.at_ns;
    if (f.at_ns == 7) got_at_7.push_back(f.tag);
  }
  EXPECT_EQ(got_at_7, expected_at_7);
}

TEST(Scheduler, ScheduleInIsRelativeToNow) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(1'000), r, 1);
  s.run();
  s.schedule_in(250ns, r, 2);
  s.run();
  EXPECT_EQ(r.fired.back(), (Fired{2, 1'250}));
}

TEST(Scheduler, CancelledEventNeverRuns) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(10), r, 1);
  const TimerId victim = s.schedule_at(at(20), r, 2);
  s.schedule_at(at(30), r, 3);
  EXPECT_TRUE(s.pending(victim));
  EXPECT_TRUE(s.cancel(victim));
  EXPECT_FALSE(s.pending(victim));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.run(), 2u);
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 3}));
}

TEST(Scheduler, CancellingTheEarliestEventMovesNextTime) {
  Scheduler s;
  Recorder r;
  const TimerId first = s.schedule_at(at(10), r, 1);
  s.schedule_at(at(20), r, 2);
  EXPECT_EQ(s.next_time(), at(10));
  s.cancel(first);
  EXPECT_EQ(s.next_time(), at(20));
}

TEST(Scheduler, CancelOfAFiredEventReturnsFalse) {
  Scheduler s;
  Recorder r;
  const TimerId id = s.schedule_at(at(10), r, 1);
  s.run();
  EXPECT_FALSE(s.pending(id));
  EXPECT_FALSE(s.cancel(id));
  EXPECT_EQ(r.fired.size(), 1u);
}

TEST(Scheduler, CancelTwiceReturnsFalseTheSecondTime) {
  Scheduler s;
  Recorder r;
  const TimerId id = s.schedule_at(at(10), r, 1);
  EXPECT_TRUE(s.cancel(id));
  EXPECT_FALSE(s.cancel(id));
  EXPECT_TRUE(s.idle());
  EXPECT_EQ(s.run(), 0u);
  EXPECT_TRUE(r.fired.empty());
}

TEST(Scheduler, CancelOfTheEmptyHandleReturnsFalse) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(10), r, 1);
  EXPECT_FALSE(TimerId{});
  EXPECT_FALSE(s.cancel(TimerId{}));
  EXPECT_FALSE(s.cancel(TimerId{12345, 1}));  // a slot that never existed
  EXPECT_EQ(s.size(), 1u);
}

TEST(Scheduler, StaleHandleAfterSlotReuseDoesNotCancelTheNewEvent) {
  Scheduler s;
  Recorder r;
  const TimerId old_id = s.schedule_at(at(10), r, 1);
  ASSERT_TRUE(s.cancel(old_id));
  const TimerId new_id = s.schedule_at(at(20), r, 2);
  ASSERT_EQ(new_id.slot, old_id.slot);  // the freed slot is reused...
  EXPECT_NE(new_id, old_id);            // ...under a new generation
  EXPECT_FALSE(s.pending(old_id));
  EXPECT_FALSE(s.cancel(old_id));
  EXPECT_TRUE(s.pending(new_id));
  s.run();
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{2}));
}

TEST(Scheduler, StaleHandleOfAFiredEventDoesNotCancelItsSuccessorInTheSlot) {
  Scheduler s;
  Recorder r;
  const TimerId fired = s.schedule_at(at(10), r, 1);
  s.run();
  const TimerId next = s.schedule_at(at(20), r, 2);
  ASSERT_EQ(next.slot, fired.slot);
  EXPECT_FALSE(s.cancel(fired));
  s.run();
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 2}));
}

TEST(Scheduler, AnEventMayCancelAnotherDueAtTheSameInstant) {
  Scheduler s;
  Recorder r;
  TimerId second;
  r.react = [&](std::uint64_t tag, Instant) {
    if (tag == 1) {
      EXPECT_TRUE(s.cancel(second));
    }
  };
  s.schedule_at(at(5), r, 1);
  second = s.schedule_at(at(5), r, 2);
  s.schedule_at(at(5), r, 3);
  s.run();
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 3}));
}

TEST(Scheduler, RunUntilRunsEventsAtTheBoundAndNotAfter) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(100), r, 1);
  s.schedule_at(at(200), r, 2);
  s.schedule_at(at(200), r, 3);
  s.schedule_at(at(201), r, 4);
  s.schedule_at(at(900), r, 5);
  EXPECT_EQ(s.run_until(at(200)), 3u);
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(s.now(), at(200));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.next_time(), at(201));
}

TEST(Scheduler, RunUntilMovesNowToTheBoundEvenWithoutEvents) {
  Scheduler s;
  Recorder r;
  s.schedule_at(at(100), r, 1);
  EXPECT_EQ(s.run_until(at(50)), 0u);
  EXPECT_EQ(s.now(), at(50));
  EXPECT_EQ(s.run_until(at(500)), 1u);
  EXPECT_EQ(s.now(), at(500));  // the bound, not the last event's time
  EXPECT_EQ(s.run_until(at(700)), 0u);
  EXPECT_EQ(s.now(), at(700));
  // Time never goes back: a bound in the past leaves now alone.
  EXPECT_EQ(s.run_until(at(600)), 0u);
  EXPECT_EQ(s.now(), at(700));
}

TEST(Scheduler, RunUntilIncludesEventsScheduledDuringTheRunUpToTheBound) {
  Scheduler s;
  Recorder r;
  r.react = [&](std::uint64_t tag, Instant) {
    if (tag < 10) s.schedule_in(100ns, r, tag + 1);  // a chain: 0 at 0, 1 at 100, ...
  };
  s.schedule_at(at(0), r, 0);
  EXPECT_EQ(s.run_until(at(450)), 5u);  // 0, 100, 200, 300, 400
  EXPECT_EQ(r.fired.back(), (Fired{4, 400}));
  EXPECT_EQ(s.next_time(), at(500));
}

TEST(Scheduler, RunForDispatchesAtMostN) {
  Scheduler s;
  Recorder r;
  for (std::uint64_t i = 0; i < 10; ++i) s.schedule_at(at(static_cast<std::int64_t>(i)), r, i);
  EXPECT_EQ(s.run_for(3), 3u);
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(s.now(), at(2));
  EXPECT_EQ(s.size(), 7u);
  EXPECT_EQ(s.run_for(0), 0u);
  EXPECT_EQ(s.run_for(100), 7u);  // fewer pending than asked
  EXPECT_TRUE(s.idle());
}

TEST(Scheduler, RunDispatchesUntilIdleIncludingEventsScheduledOnTheWay) {
  Scheduler s;
  Recorder r;
  r.react = [&](std::uint64_t tag, Instant) {
    if (tag < 99) s.schedule_in(1us, r, tag + 1);
  };
  s.schedule_at(at(0), r, 0);
  EXPECT_EQ(s.run(), 100u);
  EXPECT_TRUE(s.idle());
  EXPECT_EQ(s.now(), at(99'000));
  EXPECT_EQ(s.dispatched(), 100u);
}

TEST(Scheduler, SchedulingInThePastClampsToNow) {
  Scheduler s;
  Recorder r;
  s.run_until(at(1'000));
  s.schedule_at(at(10), r, 1);
  EXPECT_EQ(s.next_time(), at(1'000));
  s.schedule_in(-5us, r, 2);
  s.run();
  EXPECT_EQ(r.fired, (std::vector<Fired>{{1, 1'000}, {2, 1'000}}));
  EXPECT_EQ(s.now(), at(1'000));  // time did not go back
}

TEST(Scheduler, EventScheduledAtTheCurrentInstantRunsAfterThoseAlreadyQueuedForIt) {
  Scheduler s;
  Recorder r;
  r.react = [&](std::uint64_t tag, Instant now) {
    if (tag == 1) {
      s.schedule_at(now, r, 10);        // same instant: behind 2 and 3
      s.schedule_at(now - 1ns, r, 11);  // the past: clamped to now, behind 10
    }
  };
  s.schedule_at(at(50), r, 1);
  s.schedule_at(at(50), r, 2);
  s.schedule_at(at(50), r, 3);
  s.schedule_at(at(51), r, 4);
  s.run();
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 2, 3, 10, 11, 4}));
}

TEST(Scheduler, AfterEventHookRunsOncePerEventAfterTheTarget) {
  Scheduler s;
  Recorder r;
  std::vector<std::pair<std::int64_t, std::size_t>> calls;  // (now, events the target had seen by then)
  s.set_after_event([&](Instant now) { calls.emplace_back(core::to_ns(now), r.fired.size()); });
  s.schedule_at(at(10), r, 1);
  s.schedule_at(at(10), r, 2);
  const TimerId cancelled = s.schedule_at(at(15), r, 3);
  s.schedule_at(at(20), r, 4);
  s.cancel(cancelled);
  s.run_until(at(12));
  s.run();
  EXPECT_EQ(calls, (std::vector<std::pair<std::int64_t, std::size_t>>{{10, 1}, {10, 2}, {20, 3}}));
}

TEST(Scheduler, SizeIdleAndNextTimeFollowScheduleCancelAndDispatch) {
  Scheduler s;
  Recorder r;
  const TimerId a = s.schedule_at(at(30), r, 1);
  const TimerId b = s.schedule_at(at(10), r, 2);
  s.schedule_at(at(20), r, 3);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_FALSE(s.idle());
  EXPECT_EQ(s.next_time(), at(10));
  s.cancel(b);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.next_time(), at(20));
  EXPECT_TRUE(s.run_one());
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.next_time(), at(30));
  s.cancel(a);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.idle());
  EXPECT_FALSE(s.next_time());
  EXPECT_FALSE(s.run_one());
  EXPECT_EQ(s.now(), at(20));
}

TEST(Scheduler, EventsGoToTheirOwnTargetsWithTheirTags) {
  Scheduler s;
  Recorder x, y;
  s.schedule_at(at(1), x, 0xdead'beef'0000'0001ULL);
  s.schedule_at(at(2), y, 7);
  s.schedule_at(at(3), x, 0);
  s.run();
  EXPECT_EQ(x.fired, (std::vector<Fired>{{0xdead'beef'0000'0001ULL, 1}, {0, 3}}));
  EXPECT_EQ(y.fired, (std::vector<Fired>{{7, 2}}));
}

TEST(Scheduler, HandlerCancellingItsOwnFiredIdDoesNotCancelWhatItJustScheduled) {
  // The slot is freed before the call, so the handler's new event may take it; the old id stays stale.
  Scheduler s;
  Recorder r;
  TimerId self;
  r.react = [&](std::uint64_t tag, Instant) {
    if (tag == 1) {
      const TimerId next = s.schedule_in(1ns, r, 2);
      EXPECT_EQ(next.slot, self.slot);
      EXPECT_FALSE(s.cancel(self));
      EXPECT_TRUE(s.pending(next));
    }
  };
  self = s.schedule_at(at(1), r, 1);
  s.run();
  EXPECT_EQ(r.tags(), (std::vector<std::uint64_t>{1, 2}));
}

TEST(Scheduler, ManyCancelledFarFutureEventsDoNotPileUp) {
  // A driver that re-arms a wake-up on every event cancels far-future events it never lets fire; the
  // cancelled entries must not accumulate until their time comes.
  Scheduler s;
  Recorder r;
  TimerId wakeup;
  for (int i = 0; i < 100'000; ++i) {
    s.cancel(wakeup);
    wakeup = s.schedule_at(at(1'000'000'000 + i), r, 1);
    s.schedule_at(at(i), r, 2);
    s.run_one();
  }
  EXPECT_EQ(s.size(), 1u);
  EXPECT_LE(s.heap_entries(), 1'000u);
  EXPECT_EQ(s.run(), 1u);
  EXPECT_EQ(r.fired.back(), (Fired{1, 1'000'000'000 + 99'999}));
}

TEST(Scheduler, SweepingCancelledEntriesKeepsTheOrderOfTheRest) {
  // Enough cancellations to sweep the heap several times over, with many ties: the survivors still run in
  // (time, scheduling order).
  Scheduler s;
  Recorder r;
  std::vector<std::pair<std::int64_t, std::uint64_t>> kept;  // (time, tag), tags in scheduling order
  std::vector<TimerId> doomed;
  for (std::uint64_t tag = 0; tag < 5'000; ++tag) {
    const std::int64_t t = static_cast<std::int64_t>((tag * 7919) % 97);
    const TimerId id = s.schedule_at(at(t), r, tag);
    if (tag % 5 == 0) {
      kept.emplace_back(t, tag);
    } else {
      doomed.push_back(id);
    }
  }
  for (const auto& id : doomed) EXPECT_TRUE(s.cancel(id));
  EXPECT_EQ(s.size(), kept.size());
  EXPECT_LE(s.heap_entries(), 2 * kept.size() + 64);
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Fired> want;
  for (const auto& [t, tag] : kept) want.push_back(Fired{tag, t});
  EXPECT_EQ(s.run(), kept.size());
  EXPECT_EQ(r.fired, want);
}

TEST(Scheduler, HandlesOfOneSlotNeverMatchEachOther) {
  // A slot is reused by every event after the first; each handle names its own event only.
  Scheduler s;
  Recorder r;
  std::vector<TimerId> ids;
  for (int i = 0; i < 100; ++i) {
    ids.push_back(s.schedule_at(at(i), r, static_cast<std::uint64_t>(i)));
    if (i % 2 == 0) {
      EXPECT_TRUE(s.cancel(ids.back()));
    } else {
      EXPECT_TRUE(s.run_one());
    }
  }
  for (std::size_t i = 1; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i].slot, ids[0].slot);
    EXPECT_NE(ids[i], ids[i - 1]);
    EXPECT_FALSE(s.pending(ids[i]));
    EXPECT_FALSE(s.cancel(ids[i]));
  }
  EXPECT_EQ(r.fired.size(), 50u);
}

TEST(Scheduler, AHandlersEventTakesTheDeadTopsPlaceInOrderAtEveryHeapSize) {
  // The dispatched event's entry is replaced by the one its handler schedules: before every other pending
  // event, tied with one (it runs after it), in the middle, or after all, with heaps of one entry to several
  // levels (and a partly filled last row), built in ascending and in descending order of time.
  for (std::int64_t pending = 0; pending < 40; ++pending) {
    for (const bool descending : {false, true}) {
      for (const std::int64_t when :
           {std::int64_t{1}, std::int64_t{10}, pending / 2 * 10 + 5, pending * 10}) {
        Scheduler s;
        Recorder r;
        r.react = [&](std::uint64_t tag, Instant) {
          if (tag == 0) s.schedule_at(at(when), r, 1'000);
        };
        std::vector<Fired> want;  // in scheduling order, then sorted by time (a stable sort keeps FIFO ties)
        s.schedule_at(at(0), r, 0);
        for (std::int64_t i = 0; i < pending; ++i) {
          const std::int64_t t = 10 * (descending ? pending - i : i + 1);
          const auto tag = static_cast<std::uint64_t>(i + 1);
          s.schedule_at(at(t), r, tag);
          want.push_back(Fired{tag, t});
        }
        want.push_back(Fired{1'000, when});
        std::stable_sort(want.begin(), want.end(),
                         [](const Fired& a, const Fired& b) { return a.at_ns < b.at_ns; });
        want.insert(want.begin(), Fired{0, 0});
        EXPECT_EQ(s.run(), static_cast<std::uint64_t>(pending + 2));
        EXPECT_EQ(r.fired, want) << pending << " pending, descending " << descending << ", new event at "
                                 << when;
      }
    }
  }
}

TEST(Scheduler, RandomScheduleAndCancelAgreesWithAReferenceModel) {
  // Against a brute-force model: pending events as (time, seq, tag), the minimum dispatched each step.
  struct Ref {
    std::int64_t time;
    std::uint64_t seq;
    std::uint64_t tag;
    TimerId id;
  };
  Scheduler s;
  Recorder r;
  std::vector<Ref> model;
  std::vector<Fired> expected;
  std::uint64_t seq = 0, state = 12345;
  auto rnd = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  for (int step = 0; step < 20'000; ++step) {
    const auto op = rnd(10);
    if (op < 5) {
      const std::int64_t t = core::to_ns(s.now()) + static_cast<std::int64_t>(rnd(50));
      const std::uint64_t tag = seq;
      model.push_back(Ref{t, seq++, tag, s.schedule_at(at(t), r, tag)});
    } else if (op < 7 && !model.empty()) {
      const auto i = rnd(model.size());
      EXPECT_TRUE(s.cancel(model[i].id));
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      if (model.empty()) {
        EXPECT_FALSE(s.run_one());
        continue;
      }
      auto best = model.begin();
      for (auto it = model.begin(); it != model.end(); ++it)
        if (it->time < best->time || (it->time == best->time && it->seq < best->seq)) best = it;
      expected.push_back(Fired{best->tag, best->time});
      model.erase(best);
      EXPECT_TRUE(s.run_one());
    }
    ASSERT_EQ(s.size(), model.size());
  }
  EXPECT_EQ(r.fired, expected);
}

}  // namespace
}  // namespace strata::sim::engine
