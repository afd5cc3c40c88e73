// SPDX-License-Identifier: MIT
// Quantities with units as scenario files and `strata live --key value` write them (DESIGN.md §6):
//   times  "10ms", "1.5s", "200us", "3ns", "2min"        -> core::Duration, exact integer nanoseconds
//   rates  "9600bps", "64kbps", "100Mbps", "1.5Gbps"     -> bits per second
//   sizes  "1500", "1500B", "64kB", "10MB", "64KiB"      -> bytes (kB/MB/GB/TB decimal, KiB/MiB/GiB/TiB
//   binary)
// A number is digits with an optional fraction ("1.5"); the value must come out a whole number of the base
// unit
// ("1.5ns" and "0.5B" are errors, not rounded). No sign, no exponent; spaces between number and unit are
// allowed. Minutes are "min"; a bare "m" is refused as ambiguous (minutes? a mistyped "ms"?). No hours: a
// simulation that long is better written "120min" on purpose. Each parser returns the value or a whole
// sentence saying what was expected and what it got, ready to follow "file:line: key: ".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stack/core/result.hpp"
#include "stack/core/time.hpp"

namespace strata::sim::scenario {

template <class T>
using Parsed = core::Result<T, std::string>;

/// "10ms" -> 10'000'000ns. Units ns, us (or µs), ms, s, min. At most about 292 years (int64 nanoseconds).
Parsed<core::Duration> parse_time(std::string_view text);

/// "100Mbps" -> 100'000'000. Units bps, kbps (or Kbps), Mbps, Gbps, Tbps; decimal multiples.
Parsed<std::uint64_t> parse_rate(std::string_view text);

/// "10MB" -> 10'000'000, "64KiB" -> 65'536, "1500" -> 1500. Units B, kB (or KB), MB, GB, TB, KiB, MiB, GiB,
/// TiB.
Parsed<std::uint64_t> parse_size(std::string_view text);

/// The value back as text with the largest unit that keeps it exact ("1500us", "10ms", "2min"): for messages.
std::string format_time(core::Duration d);

}  // namespace strata::sim::scenario
