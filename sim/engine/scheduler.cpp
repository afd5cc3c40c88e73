// SPDX-License-Identifier: MIT
#include "sim/engine/scheduler.hpp"

#include <algorithm>

namespace strata::sim::engine {

TimerId Scheduler::push(core::Instant at, EventTarget& target, std::uint64_t tag) {
  if (heap_size_ + kArity > heap_.size()) grow();
  const TimerId id = take_slot();
  sift_up(heap_size_++, Entry{id.seq, static_cast<std::uint64_t>(core::to_ns(at)), &target, tag, id.slot});
  return id;
}

void Scheduler::push_into(TimerId& out, core::Instant at, EventTarget& target, std::uint64_t tag) {
  out = push(at, target, tag);
}

bool Scheduler::pop_dead_then_run_one_until(core::Instant until) {
  pop_dead();
  return dispatch_top_until(until);
}

void Scheduler::grow() {
  const std::size_t old = heap_.size();
  const std::size_t n = std::max<std::size_t>(16, 2 * old);
  heap_.resize(n, kPastEnd);
  // The new slots go on the free list, lowest first.
  slots_.resize(n);
  for (std::size_t i = n; i-- > old;) free_slot(static_cast<std::uint32_t>(i));
}

void Scheduler::sift_up(std::size_t hole, const Entry& e) {
  Entry* const h = heap_.data();
  const Key key = e.key();
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!(key < h[parent].key())) break;
    h[hole] = h[parent];
    hole = parent;
  }
  h[hole] = e;
}

void Scheduler::sift_down(std::size_t hole, const Entry& e) {
  Entry* const h = heap_.data();
  const Key key = e.key();
  const std::size_t n = heap_size_;
  Entry* dst = h + hole;  // the hole as a pointer too: cheaper than indexing with it again
  for (;;) {
    const std::size_t first = kArity * hole + 1;
    if (first >= n) break;
    // The earliest of the four children (kPastEnd past the end of the heap). Branches, not selects: with a
    // large heap, predicted branches let the CPU load the next level early, where a chain of selects makes
    // every level wait for the previous one's loads (fewer instructions, slower on BM_EngineEvents).
    std::size_t best = first;
    Key best_key = h[first].key();
    for (std::size_t i = first + 1; i < first + kArity; ++i) {
      const Key k = h[i].key();
      if (k < best_key) {
        best = i;
        best_key = k;
      }
    }
    if (!(best_key < key)) break;
    *dst = h[best];
    dst = h + best;
    hole = best;
  }
  *dst = e;
}

void Scheduler::sift_down_from_top(TimerId id, std::uint64_t time, EventTarget& target, std::uint64_t tag) {
  sift_down(0, Entry{id.seq, time, &target, tag, id.slot});
  note_top();  // a cancelled child may have come up
}

void Scheduler::pop_root() {
  --heap_size_;
  const Entry last = heap_[heap_size_];
  heap_[heap_size_] = kPastEnd;
  if (heap_size_ > 0) sift_down(0, last);
  note_top();
}

bool Scheduler::cancel(TimerId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it reaches the top; its seq no longer matches the slot's.
  free_slot(id.slot);
  --live_;
  note_top();  // it may have been the top
  // why: entries cancelled far in the future would otherwise wait for their time to come; sweeping when dead
  // entries outnumber live ones (plus slack) costs O(1) amortised per cancel and allocates nothing.
  if (heap_size_ > 2 * live_ + kCompactSlack) compact();
  return true;
}

void Scheduler::compact() {
  const auto begin = heap_.begin();
  const auto end = std::remove_if(begin, begin + static_cast<std::ptrdiff_t>(heap_size_),
                                  [this](const Entry& e) { return !is_live(e); });
  std::fill(end, begin + static_cast<std::ptrdiff_t>(heap_size_), kPastEnd);
  heap_size_ = static_cast<std::size_t>(end - begin);
  top_dead_ = false;
  // (time, seq) is a total order, so rebuilding the heap cannot change the dispatch order.
  if (heap_size_ < 2) return;
  for (std::size_t i = (heap_size_ - 2) / kArity + 1; i-- > 0;) sift_down(i, Entry(heap_[i]));
}

std::optional<core::Instant> Scheduler::next_time() {
  pop_dead();
  if (heap_size_ == 0) return std::nullopt;
  return core::instant_from_ns(static_cast<std::int64_t>(heap_[0].time));
}

bool Scheduler::run_one() {
  return run_one_until(core::Instant::max());
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
