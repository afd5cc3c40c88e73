// SPDX-License-Identifier: MIT
#include "stack/nic/queue_nic.hpp"

namespace strata::nic {

core::Result<void> QueueNic::transmit(core::PacketBuf&& frame, core::Instant now) {
  last_ = now;
  if (!queue_.push(std::move(frame))) {
    ++dropped_;
    return core::fail(core::Reason::NicQueueFull);
  }
  return {};
}

std::optional<core::PacketBuf> QueueNic::take() {
  return queue_.pop();
}

}  // namespace strata::nic
