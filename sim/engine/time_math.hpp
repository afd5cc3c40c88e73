// SPDX-License-Identifier: MIT
// Saturating arithmetic on virtual time. Instants past the end of a run are never reached, so one clamped to
// the largest Instant behaves exactly like the true one, and unlike it cannot overflow int64 nanoseconds
// (undefined behaviour): a link's busy-until after a million slow frames, an app's start + k * interval.
#pragma once

#include <cstdint>
#include <limits>

#include "stack/core/time.hpp"

namespace strata::sim::engine {

/// d * k, clamped to the largest Duration (d >= 0).
constexpr core::Duration saturating_mul(core::Duration d, std::uint64_t k) {
  std::int64_t out = 0;
  if (d.count() == 0 || k == 0) return core::Duration::zero();
  if (k > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      __builtin_mul_overflow(d.count(), static_cast<std::int64_t>(k), &out))
    return core::Duration::max();
  return core::Duration(out);
}

/// t + d, clamped to the largest Instant (d >= 0).
constexpr core::Instant saturating_add(core::Instant t, core::Duration d) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(core::to_ns(t), d.count(), &out)) return core::Instant::max();
  return core::instant_from_ns(out);
}

}  // namespace strata::sim::engine
