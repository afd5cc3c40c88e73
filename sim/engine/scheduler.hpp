// SPDX-License-Identifier: MIT
// The discrete-event scheduler: virtual time in nanoseconds, events ordered by (time, sequence number).
// Ties: events due at the same instant run in the order they were scheduled (FIFO), so a run is a pure
// function of its inputs. Cancellation is O(1) and lazy (a cancelled event is skipped when it reaches the
// top). Cancelled entries that pile up below the top are swept out once they outnumber the live ones, so a
// driver that re-arms far-future timers on every event keeps the heap near size(). Storage grows to the
// high-water mark of pending events and is reused after: no allocation per event in steady state. An event is
// a target plus a 64-bit tag, not a closure, for the same reason. Layout: a 4-ary heap whose entries carry
// everything dispatch needs (time, seq, target, tag, slot), and a table of slots (the pending seq of each)
// that handles and liveness checks look at. (time, seq) compares as one 128-bit number. Entries past the end
// of the heap hold a key later than any event's, so a node's four children are compared without bounds
// checks. The event being dispatched stays at the top, dead, while its handler runs: the event the handler
// schedules (a link's next hop, a timer's re-arm) takes its place with one sift instead of a pop and a push,
// and with none when it is before the root's children.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "stack/core/time.hpp"

namespace strata::sim::engine {

/// Whoever an event is for: a link delivering a frame, a host's wake-up, an app's timer. The tag says which
/// (a direction, a kind of timer); the scheduler never looks at it.
class EventTarget {
 public:
  virtual void on_event(std::uint64_t tag, core::Instant now) = 0;

 protected:
  ~EventTarget() = default;
};

/// A handle to one scheduled event: the slot it holds while pending and its sequence number. Sequence
/// numbers are never reused, so a stale handle (fired, cancelled) never matches the slot's next event.
struct TimerId {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;  // 0: no event
  explicit operator bool() const { return seq != 0; }
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
  /// Inline (below): a link schedules one per frame, and the usual case is a few instructions.
  inline TimerId schedule_at(core::Instant at, EventTarget& target, std::uint64_t tag = 0);
  /// The same, storing the handle in `out`. For a caller whose only work after scheduling is to store the
  /// handle: with the store done here, its out-of-line path leaves the caller nothing to keep across a call
  /// (a link's fast path then saves no registers).
  inline void schedule_at(TimerId& out, core::Instant at, EventTarget& target, std::uint64_t tag);
  TimerId schedule_in(core::Duration after, EventTarget& target, std::uint64_t tag = 0) {
    return schedule_at(now_ + after, target, tag);
  }
  /// True when the event was still pending (and now never runs).
  bool cancel(TimerId id);
  bool pending(TimerId id) const {
    return id.seq != 0 && id.slot < slots_.size() && slots_[id.slot] == id.seq;
  }

  /// Events scheduled and not yet dispatched or cancelled.
  std::size_t size() const { return live_; }
  bool idle() const { return live_ == 0; }
  std::optional<core::Instant> next_time();

  /// Dispatches the next event; false when none is pending.
  bool run_one();
  /// Dispatches the next event if it is due at or before `until`; false otherwise (now is left alone).
  /// Inline (below): the simulator's loop calls it once per event.
  inline bool run_one_until(core::Instant until);
  /// Dispatches every event due at or before `until`, then sets now to `until`. Returns the count.
  std::uint64_t run_until(core::Instant until);
  /// Dispatches at most n events. Returns the count.
  std::uint64_t run_for(std::uint64_t n);
  /// Dispatches until no event is pending. Returns the count.
  std::uint64_t run();

  /// Events dispatched since construction.
  std::uint64_t dispatched() const { return dispatched_; }
  /// Entries in the heap, cancelled ones not yet discarded included (bounded by about twice size()).
  std::size_t heap_entries() const { return heap_size_; }

  /// Called after every dispatched event (tests and tools that watch the engine; the simulator settles its
  /// hosts in its own loop instead, which saves an indirect call per event).
  void set_after_event(std::function<void(core::Instant)> hook) { after_event_ = std::move(hook); }

 private:
  static constexpr std::size_t kCompactSlack = 64;
  static constexpr std::size_t kArity = 4;  // a 4-ary heap: half the depth of a binary one, siblings adjacent
  __extension__ typedef unsigned __int128 Key;
  /// Everything dispatch needs is in the entry, so a live event costs one look at its slot (is it still
  /// pending?) and no other indirection (with target and tag in the slot table, dispatch would read a cold
  /// slot with many events pending: slower on BM_EngineEvents). Times are never negative (now starts at 0
  /// and never goes back, and schedule_at clamps to now), so (time, seq) orders as one unsigned 128-bit
  /// number: a compare is a cmp and an sbb, not two branches. Sequence numbers are unique, so this is a
  /// total order: the dispatch order never depends on the heap's shape.
  struct Entry {
    std::uint64_t seq;
    std::uint64_t time;
    EventTarget* target;
    std::uint64_t tag;
    std::uint32_t slot;
    Key key() const { return Key{time} << 64 | seq; }
  };
  /// A slot holds the seq of its pending event, or, while free, kFree | the next free slot (a free list
  /// threaded through the table). Seqs stay below 2^63, so a free slot never matches one.
  static constexpr std::uint64_t kFree = std::uint64_t{1} << 63;
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  /// Fills the heap storage past heap_size_. Its key is after every event's (seqs stay below 2^63), so it is
  /// never moved up.
  static constexpr Entry kPastEnd{~std::uint64_t{0}, ~std::uint64_t{0}, nullptr, 0, kNoSlot};
  bool is_live(const Entry& e) const { return slots_[e.slot] == e.seq; }
  void sift_up(std::size_t hole, const Entry& e);
  void sift_down(std::size_t hole, const Entry& e);
  void compact();
  // Off the hot path, which is the dead top's replacement (see schedule_at): kept out, it leaves that path
  // without registers to save.
  [[gnu::noinline]] TimerId push(core::Instant at, EventTarget& target, std::uint64_t tag);
  [[gnu::noinline]] void push_into(TimerId& out, core::Instant at, EventTarget& target, std::uint64_t tag);
  inline void replace_dead_top(TimerId id, core::Instant at, EventTarget& target, std::uint64_t tag);
  // replace_dead_top's sift. Out of line, and with no Entry built in the caller: a local whose address is
  // passed on would keep GCC from making the caller's other calls tail calls (its caller, a link's fast
  // path, would then need a stack frame).
  [[gnu::noinline]] void sift_down_from_top(TimerId id, std::uint64_t time, EventTarget& target,
                                            std::uint64_t tag);
  [[gnu::noinline]] void pop_root();
  [[gnu::noinline]] bool pop_dead_then_run_one_until(core::Instant until);
  // Out of line: the hook takes its argument by reference, a stack slot every event would set up.
  [[gnu::noinline]] void run_after_event() { after_event_(now_); }
  // run_one_until() once the top is live (or the heap empty).
  inline bool dispatch_top_until(core::Instant until);
  void pop_dead() {
    while (top_dead_) pop_root();
  }
  // Recomputes top_dead_ where the top may have changed other than by a dispatch or a fast replacement.
  void note_top() { top_dead_ = heap_size_ != live_ && !is_live(heap_[0]); }
  // The cold path, out of line so that the hot ones stay small: storage grows to its high-water mark.
  [[gnu::noinline]] void grow();
  /// Takes a free slot for a new event. There always is one: the slot table is as long as the heap's
  /// storage, and only live events hold a slot.
  TimerId take_slot() {
    const std::uint32_t slot = free_head_;
    const std::uint64_t seq = seq_++;
    free_head_ = static_cast<std::uint32_t>(slots_[slot]);  // the next free one (kFree stripped by the cast)
    slots_[slot] = seq;
    ++live_;
    return TimerId{slot, seq};
  }
  void free_slot(std::uint32_t slot) {
    slots_[slot] = kFree | free_head_;
    free_head_ = slot;
  }

  core::Instant now_{};
  // 4-ary min-heap on (time, seq) in heap_[0, heap_size_); the vector is storage, grown by grow(), at least
  // kArity - 1 entries longer than the heap and kPastEnd from heap_size_ on. Cancelled entries linger until
  // they reach the top or are swept.
  std::vector<Entry> heap_;
  std::size_t heap_size_ = 0;
  std::vector<std::uint64_t> slots_;  // as long as heap_; the free ones linked from free_head_
  std::uint32_t free_head_ = kNoSlot;
  // heap_[0] is a dead entry (dispatched or cancelled). Kept rather than computed from the slot table: the
  // dispatch path and schedule_at ask on every event, and the flag is one byte to test where liveness is two
  // dependent loads and a compare (the heap of a running simulation usually holds some cancelled entry, so
  // heap_size_ == live_ rarely answers first).
  bool top_dead_ = false;
  std::size_t live_ = 0;
  std::uint64_t seq_ = 1;  // 0 is "no event"
  // Not next to live_: GCC would update the pair in run_one_until with one 16-byte load, which cannot be
  // forwarded from take_slot's 8-byte store to live_ (a stall on every event).
  std::uint64_t dispatched_ = 0;
  std::function<void(core::Instant)> after_event_;
};

inline TimerId Scheduler::schedule_at(core::Instant at, EventTarget& target, std::uint64_t tag) {
  if (at < now_) at = now_;
  if (!top_dead_) return push(at, target, tag);
  const TimerId id = take_slot();
  replace_dead_top(id, at, target, tag);
  return id;
}

inline void Scheduler::schedule_at(TimerId& out, core::Instant at, EventTarget& target, std::uint64_t tag) {
  if (at < now_) at = now_;
  if (!top_dead_) return push_into(out, at, target, tag);
  const TimerId id = take_slot();
  out = id;  // before the sift below: it may be a call
  replace_dead_top(id, at, target, tag);
}

inline void Scheduler::replace_dead_top(TimerId id, core::Instant at, EventTarget& target,
                                        std::uint64_t tag) {
  // The top is dead: usually the event being dispatched, whose handler is scheduling the next one. Taking its
  // place costs one sift instead of a pop and a push, and none when the new event is before the root's
  // children (kPastEnd where the heap has none), as the next hop of a small simulation usually is.
  // `id` was just taken: its seq is above every entry's in the heap but kPastEnd's, whose time no event
  // reaches. So the new key is below a child's exactly when its time is (a tie in time orders the child
  // first), and the children are compared by time alone: two instructions each instead of four.
  const auto time = static_cast<std::uint64_t>(core::to_ns(at));
  const Entry* c = &heap_[1];
  if (time < c[0].time && time < c[1].time && time < c[2].time && time < c[3].time) {
    // Field by field, not an Entry built on the stack and copied: GCC copies it with 16-byte loads over its
    // 8- and 4-byte stores, which cannot be forwarded (a stall on every event).
    Entry& top = heap_[0];
    top.seq = id.seq;
    top.time = time;
    top.target = &target;
    top.tag = tag;
    top.slot = id.slot;
    top_dead_ = false;
  } else {
    sift_down_from_top(id, time, target, tag);
  }
}

inline bool Scheduler::run_one_until(core::Instant until) {
  // A dead top (the event dispatched last, when its handler scheduled nothing in its place, or a cancelled
  // one) is popped out of line: with the pops' calls inline, the caller would save registers on every event.
  if (top_dead_) [[unlikely]]
    return pop_dead_then_run_one_until(until);
  return dispatch_top_until(until);
}

inline bool Scheduler::dispatch_top_until(core::Instant until) {
  if (heap_size_ == 0 || static_cast<std::int64_t>(heap_[0].time) > core::to_ns(until)) return false;
  const Entry& top = heap_[0];
  EventTarget* const target = top.target;
  const std::uint64_t tag = top.tag;
  // The entry stays at the top, dead from here on (pop_dead removes it, or an event scheduled by the target
  // takes its place). The slot is freed before the call: the target may schedule again and reuse it.
  // `now` passed from a register: the slot table's store below may alias now_ for GCC (a reload).
  const core::Instant now = core::instant_from_ns(static_cast<std::int64_t>(top.time));
  now_ = now;
  free_slot(top.slot);
  top_dead_ = true;
  --live_;
  ++dispatched_;
  target->on_event(tag, now);
  if (after_event_) [[unlikely]]
    run_after_event();
  return true;
}

}  // namespace strata::sim::engine
