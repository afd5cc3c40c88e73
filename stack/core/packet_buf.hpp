// SPDX-License-Identifier: MIT
// Packet memory. Receive borrows (RxFrame: a span valid for one handle_frame call); send owns (PacketBuf: one
// pooled slot with headroom, each layer prepends its header in place). Pools are sized at construction;
// exhaustion is a counted drop (Reason::NicNoBuffer), never growth.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "stack/core/bytes.hpp"
#include "stack/core/ids.hpp"
#include "stack/core/reason.hpp"
#include "stack/core/time.hpp"

namespace strata::core {

/// Offsets (from the start of the frame) where each header starts; kNone where the packet has no such layer.
struct LayerMarks {
  static constexpr std::uint16_t kNone = std::numeric_limits<std::uint16_t>::max();
  std::uint16_t link = kNone, net = kNone, transport = kNone, payload = kNone;
};

/// Ethernet 14 + two VLAN tags 8 + IPv4 60 + TCP 60 = 142, rounded up.
inline constexpr std::size_t kMaxHeadroom = 160;

class BufferPool;

namespace detail {
/// All of a PacketBuf's state in one trivially copyable struct: moving a packet (at every layer and queue on
/// the send path) is one block copy, not a copy field by field.
struct PacketState {
  PacketId id{};

 protected:
  // Where each layer's header starts, as offsets from base_ (kNone: absent). Absolute, so that pushing a
  // header moves nothing; marks() gives them relative to the head. Headers sit in the headroom and just
  // after it, so an offset fits 16 bits.
  LayerMarks marks_;
  BufferPool* pool_ = nullptr;
  std::byte* base_ = nullptr;
  // Slots are at most kLargeSlot bytes; the size class follows from the capacity.
  std::uint32_t slot_ = 0, capacity_ = 0, head_ = 0, tail_ = 0;
};
// Trivially copyable, and no padding for the copy to carry.
static_assert(std::has_unique_object_representations_v<PacketState>);
}  // namespace detail

/// One owned packet being built or held: a pool slot, [head, tail) the live bytes. Move-only, single owner.
class PacketBuf : public detail::PacketState {
 public:
  PacketBuf() = default;
  // Moves are inline: a packet changes hands at every layer and queue on the send path.
  // The base is copied from `o` directly: default-initializing it first would be dead stores on every move.
  PacketBuf(PacketBuf&& o) noexcept : detail::PacketState(o) { o.reset_moved_from(); }
  PacketBuf& operator=(PacketBuf&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  PacketBuf(const PacketBuf&) = delete;
  PacketBuf& operator=(const PacketBuf&) = delete;
  ~PacketBuf() { release(); }

  bool valid() const { return pool_ != nullptr; }
  std::size_t size() const { return tail_ - head_; }
  std::size_t headroom() const { return head_; }
  std::size_t tailroom() const { return capacity_ - tail_; }
  MutBytes bytes() { return {base_ + head_, size()}; }
  Bytes bytes() const { return {base_ + head_, size()}; }

  /// Where each layer's header starts, relative to the head (kNone: absent), as traces show them.
  LayerMarks marks() const {
    const auto rel = [this](std::uint16_t m) {
      return m == LayerMarks::kNone ? m : static_cast<std::uint16_t>(m - head_);
    };
    return {rel(marks_.link), rel(marks_.net), rel(marks_.transport), rel(marks_.payload)};
  }
  /// Marks the header of one layer (&LayerMarks::net, ...) as starting `offset` bytes after the head: a layer
  /// marks its header as it pushes it, the headers below push theirs in front without moving the marks.
  void set_mark(std::uint16_t LayerMarks::*layer, std::size_t offset = 0) {
    assert(head_ + offset < LayerMarks::kNone);
    marks_.*layer = static_cast<std::uint16_t>(head_ + offset);
  }
  /// All four marks, relative to the head as marks() gives them (a copy of another packet's).
  void set_marks(const LayerMarks& m) {
    for (auto layer : {&LayerMarks::link, &LayerMarks::net, &LayerMarks::transport, &LayerMarks::payload})
      if (m.*layer == LayerMarks::kNone)
        marks_.*layer = LayerMarks::kNone;
      else
        set_mark(layer, m.*layer);
  }

  /// Grows the packet at the front by n bytes (a header) and returns them. Requires headroom() >= n.
  MutBytes push_front(std::size_t n) {
    assert(n <= head_);
    head_ -= static_cast<std::uint32_t>(n);
    return {base_ + head_, n};
  }
  /// Drops n bytes from the front (a header consumed). Requires size() >= n.
  void pull_front(std::size_t n) {
    assert(n <= size());
    head_ += static_cast<std::uint32_t>(n);
  }
  /// Grows the packet at the back by n bytes and returns them. Requires tailroom() >= n.
  MutBytes append(std::size_t n) {
    assert(n <= tailroom());
    auto out = MutBytes{base_ + tail_, n};
    tail_ += static_cast<std::uint32_t>(n);
    return out;
  }
  void trim_to(std::size_t n) {
    if (n < size()) tail_ = head_ + static_cast<std::uint32_t>(n);
  }

  /// A second packet with the same bytes and marks, from the same pool (switch flooding, duplication).
  std::optional<PacketBuf> clone() const;

 private:
  friend class BufferPool;
  void release();
  void take(PacketBuf& o) {
    static_cast<PacketState&>(*this) = o;
    o.reset_moved_from();
  }
  void reset_moved_from() {
    pool_ = nullptr;
    head_ = tail_ = 0;  // a moved-from packet is empty
  }
};

/// Fixed slots in two size classes: frames (2 KiB) and datagrams (64 KiB + headroom). Free lists, no growth.
class BufferPool {
 public:
  static constexpr std::size_t kSmallSlot = 2048;
  static constexpr std::size_t kLargeSlot = 65536 + kMaxHeadroom + 64;

  explicit BufferPool(std::size_t small_slots = 1024, std::size_t large_slots = 8);
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  /// A packet with `headroom` bytes in front and room for `size` bytes of data, empty (size() == 0).
  /// nullopt when no slot of a fitting class is free. Inline (below): every datagram sent takes one, and the
  /// caller then writes into it; built in place, its fields are not read back from a returned copy.
  std::optional<PacketBuf> allocate(std::size_t size, std::size_t headroom = kMaxHeadroom);
  std::size_t free_slots(int cls) const { return classes_[cls].free_count; }
  std::size_t in_use() const;

 private:
  friend class PacketBuf;
  struct SizeClass {
    std::size_t slot_size = 0, slots = 0;
    // Not zeroed (a vector would be): a simulation's pool is ~20 MB, and zeroing it touched every page at
    // start-up. Every byte of a slot is written before it is read.
    std::unique_ptr<std::byte[]> storage;
    // A stack of free slot numbers with room for every slot, not a vector: a vector's push_back has a
    // growth path (a call), and that call made every function that frees a packet save registers.
    std::unique_ptr<std::uint32_t[]> free;
    std::size_t free_count = 0;
  };
  void give_back(std::uint32_t capacity, std::uint32_t slot) {
    SizeClass* const sc = classes_ + (capacity == kSmallSlot ? 0 : 1);
    assert(sc->free_count < sc->slots);
    sc->free[sc->free_count++] = slot;
  }
  SizeClass classes_[2];
};

inline std::optional<PacketBuf> BufferPool::allocate(std::size_t size, std::size_t headroom) {
  const std::size_t need = size + headroom;
  for (auto& sc : classes_) {
    if (need > sc.slot_size || sc.free_count == 0) continue;
    const std::uint32_t slot = sc.free[--sc.free_count];
    PacketBuf p;
    p.pool_ = this;
    p.slot_ = slot;
    p.base_ = sc.storage.get() + static_cast<std::size_t>(slot) * sc.slot_size;
    p.capacity_ = static_cast<std::uint32_t>(sc.slot_size);
    p.head_ = p.tail_ = static_cast<std::uint32_t>(headroom);
    return p;
  }
  return std::nullopt;
}

inline void PacketBuf::release() {
  if (pool_ != nullptr) pool_->give_back(capacity_, slot_);
  pool_ = nullptr;
}

/// One received frame on its way up; lives for one Host::handle_frame call. The bytes are borrowed.
struct RxReport;
enum class Layer : std::uint8_t;
enum class Verdict : std::uint8_t { Deliver, Drop, Reassembling, Queued };

struct RxFrame {
  Bytes bytes;       // the whole frame (or, after reassembly, the whole datagram)
  LayerMarks marks;  // where each header starts inside bytes
  NicId nic{};
  bool link_group = false;  // sent to a link-layer broadcast or multicast address (no ICMP error about it)
  // A reporter or a tracer watches this frame (report != nullptr or a trace sink installed when it arrived):
  // the layers' fast paths, which neither report nor trace, test this one byte.
  bool observed = true;
  Instant now{};
  PacketId id{};
  RxReport* report = nullptr;  // filled by each layer when a reporter (replay --json) asks for it
  // What happened to it, set by the layers as it climbs: the highest layer that handled it and its verdict.
  // Each on a 4-byte boundary of its own: written one byte at a time by different layers, they must be read
  // back one by one too (the compiler merges adjacent byte loads into one wider load, which then stalls on
  // store forwarding on every frame).
  alignas(4) Layer top{};
  alignas(4) Verdict verdict = Verdict::Deliver;
  alignas(4) Reason reason = Reason::None;
};

}  // namespace strata::core
