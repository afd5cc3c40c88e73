// SPDX-License-Identifier: MIT
// DatagramQueue: a UDP socket's bounded receive queue. One byte arena (each datagram stored contiguously,
// wrapping to the start when the end is too short) plus a ring of records. Sized at creation, never grows:
// a datagram that does not fit is refused and the caller counts the drop.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>

#include "stack/core/bytes.hpp"
#include "stack/transport/endpoint.hpp"

namespace strata::transport {

class DatagramQueue {
 public:
  /// 16 bytes: who sent it, and where its bytes are. (No destination: nothing reads it back, and the receive
  /// path paid two stores for it on every datagram.)
  struct Record {
    Endpoint from;
    std::uint32_t offset = 0, len = 0;
  };
  /// The arena is at most this large, so that an offset fits a Record.
  static constexpr std::size_t kMaxBytes = std::size_t{1} << 31;

  DatagramQueue(std::size_t max_datagrams, std::size_t max_bytes)
      : arena_size_(std::min(max_bytes, kMaxBytes)),
        cap_(max_datagrams),
        arena_(std::make_unique<std::byte[]>(arena_size_)),
        recs_(std::make_unique<Record[]>(cap_)) {}

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return bytes_; }
  const Record& front() const { return front_; }
  core::Bytes front_data() const { return {arena_.get() + front_.offset, front_.len}; }

  /// Copies the datagram in (the one payload copy of the receive path). False when full.
  bool push(core::Bytes data, Endpoint from) {
    std::byte* at = reserve(data.size(), from);
    if (at == nullptr) return false;
    core::copy_bytes(at, data.data(), data.size());
    return true;
  }
  /// Queues the record of an n-byte datagram from `from` and returns where its bytes go (the caller copies
  /// them there before the next call), or nullptr when full. The copy can so be the caller's last act.
  std::byte* reserve(std::size_t n, Endpoint from) {
    if (count_ == cap_) [[unlikely]]
      return nullptr;
    const std::size_t need = n != 0 ? n : 1;  // an empty datagram still takes a byte
    // A reader that keeps up: the datagram goes to the arena's start, its record to front_.
    if (count_ == 0) {
      if (need > arena_size_) [[unlikely]]
        return nullptr;
      front_ = Record{from, 0, static_cast<std::uint32_t>(n)};
      count_ = 1;
      bytes_ = n;
      end_ = need;
      return arena_.get();
    }
    std::size_t off = 0;
    const std::size_t first = front_.offset;
    if (end_ > first) {  // live bytes are [first, end_)
      if (end_ + need <= arena_size_)
        off = end_;
      else if (need > first)
        return nullptr;
    } else {  // wrapped: live bytes are [first, size) and [0, end_)
      if (end_ + need > first) return nullptr;
      off = end_;
    }
    recs_[wrap(head_ + count_)] =
        Record{from, static_cast<std::uint32_t>(off), static_cast<std::uint32_t>(n)};
    ++count_;
    bytes_ += n;
    end_ = off + need;
    return arena_.get() + off;
  }
  void pop() {
    bytes_ -= front_.len;
    // The ring moves only when a record comes out of it: emptied, the queue keeps head_, and the next
    // record behind a new front_ still goes to wrap(head_ + 1).
    if (--count_ != 0) {
      head_ = wrap(head_ + 1);
      front_ = recs_[head_];
    }
  }

 private:
  // i < 2 * size(): one compare instead of a 64-bit division per push and pop.
  std::size_t wrap(std::size_t i) const { return i >= cap_ ? i - cap_ : i; }

  // Sizes kept beside the arrays (not vectors): a bound is then one load, not two and a subtraction.
  std::size_t arena_size_, cap_;
  std::unique_ptr<std::byte[]> arena_;
  // The oldest datagram's record is front_, in the queue object itself: a reader finds its bytes one
  // dependent load sooner than through the ring. The others are in the ring at wrap(head_ + k), k >= 1.
  Record front_{};
  std::unique_ptr<Record[]> recs_;
  std::size_t head_ = 0, count_ = 0, bytes_ = 0;
  std::size_t end_ =
      0;  // where the last datagram's bytes end (at least one byte each); meaningful when count_ > 0
};

}  // namespace strata::transport
