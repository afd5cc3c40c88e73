// SPDX-License-Identifier: MIT
// strata replay: every record of a capture goes up a Host's real receive path (time from the record's
// timestamp, advance(t) then handle_frame), and the output says what each layer did with it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace strata::sim {

struct ReplayOptions {
  std::string capture;
  std::optional<std::string> filter;   // tcpdump syntax, compiled by libpcap
  bool json = false;                   // one JSON object per packet (Wireshark field names)
  bool stats = false;                  // per-layer counters, then the packet count and the rate
  std::optional<std::uint64_t> limit;  // stop after N packets
  bool progress = true;                // a progress bar on stderr when it is a terminal and the file is large
};

/// Runs a replay, writing to `out` and messages to `err`. Returns the exit status: 0 when libpcap read the
/// file to its end (whatever its packets hold), 2 when the file cannot be read or is damaged (the packets
/// before the damage are still reported), or the filter does not compile.
int run_replay(const ReplayOptions& options, std::FILE* out, std::FILE* err);

}  // namespace strata::sim
