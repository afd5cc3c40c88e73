// SPDX-License-Identifier: MIT
#include <cstring>

#include "stack/core/packet_buf.hpp"

namespace strata::core {

std::optional<PacketBuf> PacketBuf::clone() const {
  if (pool_ == nullptr) return std::nullopt;
  auto copy = pool_->allocate(size(), head_);
  if (!copy) return std::nullopt;
  auto out = copy->append(size());
  std::memcpy(out.data(), base_ + head_, size());
  copy->marks_ = marks_;
  copy->id = id;
  return copy;
}

BufferPool::BufferPool(std::size_t small_slots, std::size_t large_slots) {
  const std::size_t counts[2] = {small_slots, large_slots};
  const std::size_t sizes[2] = {kSmallSlot, kLargeSlot};
  for (int c = 0; c < 2; ++c) {
    auto& sc = classes_[c];
    sc.slot_size = sizes[c];
    sc.slots = counts[c];
    sc.storage = std::make_unique_for_overwrite<std::byte[]>(sizes[c] * counts[c]);
    sc.free = std::make_unique<std::uint32_t[]>(counts[c]);
    for (std::size_t i = counts[c]; i-- > 0;) sc.free[sc.free_count++] = static_cast<std::uint32_t>(i);
  }
}

std::size_t BufferPool::in_use() const {
  std::size_t n = 0;
  for (const auto& sc : classes_) n += sc.slots - sc.free_count;
  return n;
}

}  // namespace strata::core
