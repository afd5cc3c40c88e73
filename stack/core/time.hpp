// SPDX-License-Identifier: MIT
// Time as the stack sees it: a clock nobody can read. Instants are handed in by whoever drives the stack
// (the simulator's virtual clock, a capture's timestamps, the live runtime's wall clock).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace strata::core {

struct StackClock {  // no now(): the stack never reads a clock
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<StackClock>;
  static constexpr bool is_steady = true;
};

using Duration = StackClock::duration;
using Instant = StackClock::time_point;

constexpr Instant instant_from_ns(std::int64_t ns) {
  return Instant(Duration(ns));
}
constexpr std::int64_t to_ns(Instant t) {
  return t.time_since_epoch().count();
}
constexpr std::int64_t to_ns(Duration d) {
  return d.count();
}

/// "No deadline" for the timer queries that run after every simulator event: they return an Instant, never
/// max when something is due, and convert to an optional only at the edge. GCC builds a returned
/// optional<Instant> in memory and reloads it whole, a store-forwarding stall per call.
inline constexpr Instant kNever = Instant::max();
constexpr std::optional<Instant> deadline_or_none(Instant t) {
  return t == kNever ? std::nullopt : std::optional<Instant>(t);
}

using namespace std::chrono_literals;  // 10ms, 3s: fine for durations

}  // namespace strata::core
