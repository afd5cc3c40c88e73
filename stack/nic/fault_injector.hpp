// SPDX-License-Identifier: MIT
// FaultInjector: a NIC middleware that wraps any Nic and, per frame sent through it, loses, corrupts,
// duplicates or reorders it with seeded probabilities. Simulated links put one on each direction; the live
// mode wraps a real NIC with it (--loss, --reorder, --dup). Deterministic: the same seed and frames give the
// same faults. Not for: rate limiting or queueing (a sim link's wire does that behind the injector).
#pragma once

#include <cstdint>
#include <optional>

#include "stack/core/packet_buf.hpp"
#include "stack/core/rng.hpp"
#include "stack/nic/nic.hpp"

namespace strata::nic {

struct FaultConfig {
  double loss = 0;       // the frame vanishes
  double corrupt = 0;    // one bit of the frame flips
  double duplicate = 0;  // the frame is sent twice
  double reorder = 0;    // the frame is held and sent after the next one (or after max_hold)
  core::Duration max_hold = std::chrono::milliseconds(1);
  bool any() const { return loss > 0 || corrupt > 0 || duplicate > 0 || reorder > 0; }
};

struct FaultCounters {
  std::uint64_t frames = 0;  // handed to transmit
  std::uint64_t lost = 0, corrupted = 0, duplicated = 0, reordered = 0;
  std::uint64_t no_buffer = 0;          // a duplicate that found no pool slot (the original still goes)
  std::uint64_t released_by_timer = 0;  // held frames that advance() sent because no frame came in max_hold
};

/// Per frame handed to transmit, in this order, each decided by one draw of the injector's Rng (a fault whose
/// probability is 0 draws nothing):
///  1. loss: the frame is dropped and transmit returns Ok (the wire lost it; the sender cannot tell);
///  2. corrupt: one bit, uniformly chosen over the whole frame, is flipped in place;
///  3. duplicate: a byte-identical copy from the pool goes right after the frame (no slot: counted in
///     no_buffer, the original still goes);
///  4. reorder: the frame is held (its duplicate, if any, goes now). The next frame transmitted goes first
///     and then the held one, in the same call; a frame that arrives while one is held is never itself held.
///     If no frame comes, advance(now) releases the held one once now >= held time + max_hold
///     (next_deadline()).
/// Invariant: at most one frame is held. The inner Nic counts its own drops; transmit returns its verdict on
/// the frame handed in (Ok when that frame was lost or held).
class FaultInjector final : public Nic {
 public:
  FaultInjector(Nic& inner, core::BufferPool& pool, FaultConfig config, std::uint64_t seed);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  const NicInfo& info() const override { return inner_.info(); }
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override;

  /// A held (reordered) frame is released by the next transmit, or here once max_hold has passed.
  void advance(core::Instant now);
  std::optional<core::Instant> next_deadline() const;
  bool holding() const { return held_.has_value(); }

  const FaultCounters& counters() const { return counters_; }
  const FaultConfig& config() const { return config_; }

 private:
  bool draw(double probability);
  void release_held(core::Instant now);

  Nic& inner_;
  core::BufferPool& pool_;
  FaultConfig config_;
  core::Rng rng_;
  FaultCounters counters_;
  std::optional<core::PacketBuf> held_;
  core::Instant held_since_{};
};

}  // namespace strata::nic
