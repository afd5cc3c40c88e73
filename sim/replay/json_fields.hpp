// SPDX-License-Identifier: MIT
// One packet as a JSON object with Wireshark display-filter field names (DESIGN.md §5, a contract): the
// values each layer parsed (core::RxReport) plus the stack's verdict under strata.*.
#pragma once

#include <cstdint>
#include <string>

#include "stack/core/rx_report.hpp"
#include "stack/host.hpp"

namespace strata::sim {

struct FrameInfo {
  std::uint64_t number = 0;
  std::uint32_t wire_len = 0;
  core::Instant time{};
};

/// Appends one line (with '\n') to `out`. No allocation once `out` has grown to a line's size.
void append_json(std::string& out, const FrameInfo& frame, const core::RxReport& r, const RxOutcome& outcome);

}  // namespace strata::sim
