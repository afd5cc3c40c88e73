// SPDX-License-Identifier: MIT
// The discrete-event scheduler: virtual time in nanoseconds, events ordered by (time, sequence number).
// Ties: events due at the same instant run in the order they were scheduled (FIFO), so a run is a pure
// function of its inputs. Cancellation is O(1) and lazy (a cancelled event is skipped when it reaches the top).
// Cancelled entries that pile up below the top are swept out once they outnumber the live ones, so a driver
// that re-arms far-future timers on every event keeps the heap near size().
// Storage grows to the high-water mark of pending events and is reused after: no allocation per event in
// steady state. An event is a target plus a 64-bit tag, not a closure, for the same reason.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "stack/core/time.hpp"

namespace strata::sim::engine {

/// Whoever an event is for: a link delivering a frame, a host's wake-up, an app's timer. The tag says which
/// (a slot index, a direction); the scheduler never looks at it.
class EventTarget {
 public:
  virtual void on_event(std::uint64_t tag, core::Instant now) = 0;

 protected:
  ~EventTarget() = default;
};

/// A handle to one scheduled event; stale handles (fired, cancelled) are recognised by their generation.
struct TimerId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0: no event
  explicit operator bool() const { return generation != 0; }
  bool operator==(const TimerId&) const = default;
};

class Scheduler {
 public:
  Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Virtual now: the time of the event being (or last) dispatched, or of the last run_until bound.
  core::Instant now() const { return now_; }

  /// Schedules target.on_event(tag, at). An instant in the past is taken as now (time never goes back).
  TimerId schedule_at(core::Instant at, EventTarget& target, std::uint64_t tag = 0);
  TimerId schedule_in(core::Duration after, EventTarget& target, std::uint64_t tag = 0) {
    return schedule_at(now_ + after, target, tag);
  }
  /// True when the event was still pending (and now never runs).
  bool cancel(TimerId id);
  bool pending(TimerId id) const;

  /// Events scheduled and not yet dispatched or cancelled.
  std::size_t size() const { return live_; }
  bool idle() const { return live_ == 0; }
  std::optional<core::Instant> next_time();

  /// Dispatches the next event; false when none is pending.
  bool run_one();
  /// Dispatches the next event if it is due at or before `until`; false otherwise (now is left alone).
  bool run_one_until(core::Instant until);
  /// Dispatches every event due at or before `until`, then sets now to `until`. Returns the count.
  std::uint64_t run_until(core::Instant until);
  /// Dispatches at most n events. Returns the count.
  std::uint64_t run_for(std::uint64_t n);
  /// Dispatches until no event is pending. Returns the count.
  std::uint64_t run();

  /// Events dispatched since construction.
  std::uint64_t dispatched() const { return dispatched_; }
  /// Entries in the heap, cancelled ones not yet discarded included (bounded by about twice size()).
  std::size_t heap_entries() const { return heap_.size(); }

  /// Called after every dispatched event (the simulator settles hosts and apps there; the stepper counts).
  void set_after_event(std::function<void(core::Instant)> hook) { after_event_ = std::move(hook); }

 private:
  static constexpr std::size_t kCompactSlack = 64;
  struct Slot {
    EventTarget* target = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t generation = 1;
    bool live = false;
  };
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
    std::uint32_t generation;
  };
  static bool later(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
  bool is_live(const Entry& e) const {
    const Slot& s = slots_[e.slot];
    return s.live && s.generation == e.generation;
  }
  void pop_dead();
  void compact();
  void free_slot(std::uint32_t slot);

  core::Instant now_{};
  std::vector<Entry> heap_;  // binary min-heap on (time, seq) via std::push_heap/pop_heap with later()
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::uint64_t seq_ = 0;
  std::uint64_t dispatched_ = 0;
  std::size_t live_ = 0;
  std::function<void(core::Instant)> after_event_;
};

}  // namespace strata::sim::engine
