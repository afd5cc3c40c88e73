// SPDX-License-Identifier: MIT
#include "sim/engine/scheduler.hpp"

#include <algorithm>

namespace strata::sim::engine {

TimerId Scheduler::schedule_at(core::Instant at, EventTarget& target, std::uint64_t tag) {
  if (at < now_) at = now_;
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.target = &target;
  s.tag = tag;
  s.live = true;
  heap_.push_back(Entry{core::to_ns(at), seq_++, slot, s.generation});
  std::push_heap(heap_.begin(), heap_.end(), later);
  ++live_;
  return TimerId{slot, s.generation};
}

void Scheduler::free_slot(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.live = false;
  s.target = nullptr;
  // Generation 0 means "no event"; skip it on wrap-around.
  if (++s.generation == 0) s.generation = 1;
  free_.push_back(slot);
}

bool Scheduler::pending(TimerId id) const {
  return id.generation != 0 && id.slot < slots_.size() && slots_[id.slot].live &&
         slots_[id.slot].generation == id.generation;
}

bool Scheduler::cancel(TimerId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it reaches the top; its generation no longer matches the slot's.
  free_slot(id.slot);
  --live_;
  // why: entries cancelled far in the future would otherwise wait for their time to come; sweeping when dead
  // entries outnumber live ones (plus slack) costs O(1) amortised per cancel and allocates nothing.
  if (heap_.size() > 2 * live_ + kCompactSlack) compact();
  return true;
}

void Scheduler::compact() {
  std::erase_if(heap_, [this](const Entry& e) { return !is_live(e); });
  // (time, seq) is a total order, so rebuilding the heap cannot change the dispatch order.
  std::make_heap(heap_.begin(), heap_.end(), later);
}

void Scheduler::pop_dead() {
  while (!heap_.empty() && !is_live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

std::optional<core::Instant> Scheduler::next_time() {
  pop_dead();
  if (heap_.empty()) return std::nullopt;
  return core::instant_from_ns(heap_.front().time);
}

bool Scheduler::run_one() { return run_one_until(core::Instant::max()); }

bool Scheduler::run_one_until(core::Instant until) {
  pop_dead();
  if (heap_.empty() || heap_.front().time > core::to_ns(until)) return false;
  const Entry e = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
  Slot& s = slots_[e.slot];
  EventTarget* target = s.target;
  const std::uint64_t tag = s.tag;
  free_slot(e.slot);  // before the call: the target may schedule again (and reuse the slot)
  --live_;
  now_ = core::instant_from_ns(e.time);
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
