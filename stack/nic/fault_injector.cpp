// SPDX-License-Identifier: MIT
#include "stack/nic/fault_injector.hpp"

#include <cstring>
#include <utility>

namespace strata::nic {

FaultInjector::FaultInjector(Nic& inner, core::BufferPool& pool, FaultConfig config, std::uint64_t seed)
    : inner_(inner), pool_(pool), config_(config), rng_(seed) {}

bool FaultInjector::draw(double probability) {
  // why: a fault with probability 0 consumes no randomness, so a run with no faults draws nothing at all.
  return probability > 0 && rng_.uniform() < probability;
}

core::Result<void> FaultInjector::transmit(core::PacketBuf&& frame, core::Instant now) {
  ++counters_.frames;
  if (!config_.any()) return inner_.transmit(std::move(frame), now);

  if (draw(config_.loss)) {
    ++counters_.lost;
    return {};  // the wire lost it: the sender cannot tell
  }
  if (draw(config_.corrupt) && frame.size() > 0) {
    const auto bits = static_cast<std::uint32_t>(frame.size() * 8);
    const std::uint32_t bit = rng_.below(bits);
    auto bytes = frame.bytes();
    bytes[bit / 8] ^= std::byte{static_cast<std::uint8_t>(1u << (bit % 8))};
    ++counters_.corrupted;
  }
  std::optional<core::PacketBuf> copy;
  if (draw(config_.duplicate)) {
    copy = pool_.allocate(frame.size(), frame.headroom());
    if (copy) {
      auto out = copy->append(frame.size());
      std::memcpy(out.data(), std::as_const(frame).bytes().data(), frame.size());
      copy->set_marks(frame.marks());
      copy->id = frame.id;
      ++counters_.duplicated;
    } else {
      ++counters_.no_buffer;
    }
  }

  // A frame passing a held one is not itself a candidate for reordering: it is the next frame, it goes first.
  if (held_) {
    auto result = inner_.transmit(std::move(frame), now);
    if (copy) (void)inner_.transmit(std::move(*copy), now);
    release_held(now);
    return result;
  }
  if (draw(config_.reorder)) {
    ++counters_.reordered;
    held_ = std::move(frame);
    held_since_ = now;
    if (copy) (void)inner_.transmit(std::move(*copy), now);
    return {};
  }
  auto result = inner_.transmit(std::move(frame), now);
  if (copy) (void)inner_.transmit(std::move(*copy), now);
  return result;
}

void FaultInjector::release_held(core::Instant now) {
  auto frame = std::move(*held_);
  held_.reset();
  (void)inner_.transmit(std::move(frame), now);  // the inner Nic counts its own drops
}

void FaultInjector::advance(core::Instant now) {
  if (held_ && now >= held_since_ + config_.max_hold) {
    ++counters_.released_by_timer;
    release_held(now);
  }
}

std::optional<core::Instant> FaultInjector::next_deadline() const {
  if (!held_) return std::nullopt;
  return held_since_ + config_.max_hold;
}

}  // namespace strata::nic
