// SPDX-License-Identifier: MIT
// FifoRing<T>: a FIFO over a power-of-two ring of reusable elements that doubles when full. A link keeps its
// frames in flight in one: it grows to the high-water mark of frames in flight, then passes frames through
// with no allocation. Unlike core::BoundedQueue it has no fixed bound (the link enforces its own) and wraps
// with a mask rather than a division. Popped elements are not destroyed: they stay in place (moved-from) and
// are assigned over by a later push.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <utility>

namespace strata::sim::net {

template <class T>
class FifoRing {
 public:
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::size_t capacity() const { return mask_ + 1; }
  /// The next push_back grows the storage.
  bool full() const { return count_ == capacity(); }

  /// The element after the last one, now part of the ring: a default-constructed or previously popped T for
  /// the caller to assign. Doubles the storage when it is full (moving the elements, which invalidates
  /// references to them).
  T& push_back() {
    if (full()) grow();
    return push_back_in_room();
  }
  /// push_back when the caller knows the ring is not full(): no growth path (a call) in its code.
  T& push_back_in_room() {
    assert(!full());
    T& slot = slots_[(head_ + count_) & mask_];
    ++count_;
    return slot;
  }
  T& front() {
    assert(count_ > 0);
    return slots_[head_];
  }
  void pop_front() {
    assert(count_ > 0);
    head_ = (head_ + 1) & mask_;
    --count_;
  }
  /// i-th element from the front (i < size()).
  T& operator[](std::size_t i) {
    assert(i < count_);
    return slots_[(head_ + i) & mask_];
  }
  const T& operator[](std::size_t i) const {
    assert(i < count_);
    return slots_[(head_ + i) & mask_];
  }

 private:
  [[gnu::noinline]] void grow() {
    const std::size_t n = capacity() == 0 ? 4 : 2 * capacity();
    auto bigger = std::make_unique<T[]>(n);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move((*this)[i]);
    slots_ = std::move(bigger);
    mask_ = n - 1;
    head_ = 0;
  }

  std::unique_ptr<T[]> slots_;          // capacity() elements: a power of two, or none
  std::size_t mask_ = std::size_t(-1);  // capacity() - 1
  std::size_t head_ = 0, count_ = 0;
};

}  // namespace strata::sim::net
