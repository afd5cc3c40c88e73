// SPDX-License-Identifier: MIT
#include "stack/nic/queue_nic.hpp"

namespace strata::nic {

core::Result<void> QueueNic::transmit(core::PacketBuf&& frame, core::Instant now) {
  last_ = now;
  if (queue_.size() >= capacity_) {
    ++dropped_;
    return core::fail(core::Reason::NicQueueFull);
  }
  queue_.push_back(std::move(frame));
  return {};
}

std::optional<core::PacketBuf> QueueNic::take() {
  if (queue_.empty()) return std::nullopt;
  auto p = std::move(queue_.front());
  queue_.pop_front();
  return p;
}

}  // namespace strata::nic
