// SPDX-License-Identifier: MIT
// BoundedQueue<T>: a FIFO ring of fixed capacity whose storage is allocated once, at construction. Used where
// a std::deque would allocate and free blocks as packets pass (NIC queues, echo replies): steady traffic
// through it never touches the heap.
#pragma once

#include <cassert>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace strata::core {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : slots_(capacity) {}

  std::size_t size() const { return count_; }
  std::size_t capacity() const { return slots_.size(); }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == slots_.size(); }

  /// False (and `v` untouched) when full.
  bool push(T&& v) {
    if (full()) return false;
    slots_[wrap(head_ + count_)] = std::move(v);
    ++count_;
    return true;
  }
  std::optional<T> pop() {
    if (count_ == 0) return std::nullopt;
    std::optional<T> out(std::move(slots_[head_]));
    slots_[head_] = T{};
    head_ = wrap(head_ + 1);
    --count_;
    return out;
  }
  T& front() {
    assert(count_ > 0);
    return slots_[head_];
  }
  /// i-th element from the front (i < size()).
  const T& at(std::size_t i) const { return slots_[wrap(head_ + i)]; }

 private:
  // i < 2 * capacity here: a compare instead of a division on every push and pop.
  std::size_t wrap(std::size_t i) const { return i >= slots_.size() ? i - slots_.size() : i; }

  std::vector<T> slots_;
  std::size_t head_ = 0, count_ = 0;
};

}  // namespace strata::core
