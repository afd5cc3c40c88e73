// SPDX-License-Identifier: MIT
// QueueNic: an in-memory NIC. transmit() appends to a bounded queue that its owner drains (tests, the
// simulator's links); receiving is the owner calling Host::handle_frame with whatever it wants to inject.
#pragma once

#include <optional>

#include "stack/core/bounded_queue.hpp"
#include "stack/nic/nic.hpp"

namespace strata::nic {

class QueueNic final : public Nic {
 public:
  explicit QueueNic(NicInfo info, std::size_t capacity = 1024) : info_(std::move(info)), queue_(capacity) {}
  const NicInfo& info() const override { return info_; }
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override;

  /// The oldest frame sent and not yet taken.
  std::optional<core::PacketBuf> take();
  std::size_t pending() const { return queue_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  core::Instant last_transmit() const { return last_; }

 private:
  NicInfo info_;
  core::BoundedQueue<core::PacketBuf> queue_;  // storage allocated once: no heap traffic per frame
  std::uint64_t dropped_ = 0;
  core::Instant last_{};
};

}  // namespace strata::nic
