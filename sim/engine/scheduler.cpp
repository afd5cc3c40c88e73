// SPDX-License-Identifier: MIT
#include "sim/engine/scheduler.hpp"

#include <algorithm>

namespace strata::sim::engine {

TimerId Scheduler::schedule_at(core::Instant at, EventTarget& target, std::uint64_t tag) {
  if (at < now_) at = now_;
  if (free_head_ == kNoSlot) add_slot();
  const std::uint32_t slot = free_head_;
  free_head_ = static_cast<std::uint32_t>(slots_[slot]);  // the next free one (kFree stripped by the cast)
  const std::uint64_t seq = seq_++;
  slots_[slot] = seq;
  const Entry e{core::to_ns(at), seq, &target, tag, slot};
  if (heap_size_ != live_ && !is_live(heap_[0])) {
    // The top is dead: usually the event being dispatched, whose handler is scheduling the next one. Taking
    // its place costs one sift instead of a pop and a push.
    sift_down(0, e);
  } else {
    if (heap_size_ == heap_.size()) grow_heap();
    sift_up(heap_size_++, e);
  }
  ++live_;
  return TimerId{slot, seq};
}

void Scheduler::add_slot() {
  free_head_ = static_cast<std::uint32_t>(slots_.size());
  slots_.push_back(kFree | kNoSlot);
}

void Scheduler::grow_heap() {
  heap_.resize(std::max<std::size_t>(16, 2 * heap_.size()));
}

void Scheduler::sift_up(std::size_t hole, const Entry& e) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

void Scheduler::sift_down(std::size_t hole, const Entry& e) {
  const std::size_t n = heap_size_;
  for (;;) {
    const std::size_t first = kArity * hole + 1;
    if (first >= n) break;
    const std::size_t end = std::min(first + kArity, n);
    std::size_t best = first;
    for (std::size_t c = first + 1; c < end; ++c)
      if (before(heap_[c], heap_[best])) best = c;
    if (!before(heap_[best], e)) break;
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = e;
}

void Scheduler::pop_root() {
  --heap_size_;
  if (heap_size_ > 0) sift_down(0, Entry(heap_[heap_size_]));
}

bool Scheduler::cancel(TimerId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it reaches the top; its seq no longer matches the slot's.
  free_slot(id.slot);
  --live_;
  // why: entries cancelled far in the future would otherwise wait for their time to come; sweeping when dead
  // entries outnumber live ones (plus slack) costs O(1) amortised per cancel and allocates nothing.
  if (heap_size_ > 2 * live_ + kCompactSlack) compact();
  return true;
}

void Scheduler::compact() {
  const auto end = std::remove_if(heap_.begin(), heap_.begin() + static_cast<std::ptrdiff_t>(heap_size_),
                                  [this](const Entry& e) { return !is_live(e); });
  heap_size_ = static_cast<std::size_t>(end - heap_.begin());
  // (time, seq) is a total order, so rebuilding the heap cannot change the dispatch order.
  if (heap_size_ < 2) return;
  for (std::size_t i = (heap_size_ - 2) / kArity + 1; i-- > 0;) sift_down(i, Entry(heap_[i]));
}

void Scheduler::pop_dead() {
  // Only cancellations leave dead entries: with none in the heap, the top is live.
  while (heap_size_ != live_ && !is_live(heap_[0])) pop_root();
}

std::optional<core::Instant> Scheduler::next_time() {
  pop_dead();
  if (heap_size_ == 0) return std::nullopt;
  return core::instant_from_ns(heap_[0].time);
}

bool Scheduler::run_one() {
  return run_one_until(core::Instant::max());
}

bool Scheduler::run_one_until(core::Instant until) {
  pop_dead();
  if (heap_size_ == 0 || heap_[0].time > core::to_ns(until)) return false;
  const Entry& top = heap_[0];
  const std::int64_t time = top.time;
  EventTarget* const target = top.target;
  const std::uint64_t tag = top.tag;
  // The entry stays at the top, dead from here on (pop_dead removes it, or an event scheduled by the target
  // takes its place). The slot is freed before the call: the target may schedule again and reuse it.
  free_slot(top.slot);
  --live_;
  now_ = core::instant_from_ns(time);
  ++dispatched_;
  target->on_event(tag, now_);
  if (after_event_) after_event_(now_);
  return true;
}

std::uint64_t Scheduler::run_until(core::Instant until) {
  std::uint64_t n = 0;
  while (run_one_until(until)) ++n;
  if (until > now_) now_ = until;
  return n;
}

std::uint64_t Scheduler::run_for(std::uint64_t n) {
  std::uint64_t done = 0;
  while (done < n && run_one()) ++done;
  return done;
}

std::uint64_t Scheduler::run() {
  std::uint64_t n = 0;
  while (run_one()) ++n;
  return n;
}

}  // namespace strata::sim::engine
