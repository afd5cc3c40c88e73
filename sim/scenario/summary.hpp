// SPDX-License-Identifier: MIT
// What `strata run` prints at the end: the JSON summary of DESIGN.md §5 (a contract) and the human one.
#pragma once

#include <string>

#include "sim/scenario/simulation.hpp"

namespace strata::sim {

/// One JSON object, one line: seed, sim_time_ns, events, apps, hosts (non-zero counters), links.
/// Apps still running at the end (servers) carry "running":true and finished_ns = the end of the run.
std::string summary_json(const Simulation& sim);
/// Per-app results, per-link frames and drops, switches, then per-host counters grouped by layer.
std::string summary_text(const Simulation& sim, const std::string& scenario_name);

}  // namespace strata::sim
