// SPDX-License-Identifier: MIT
// Scenario files (DESIGN.md §6, a contract) to net::Topology. toml++ parses; this file checks every table for
// unknown keys, every value for its type and unit, then runs net::validate() for what only the whole network
// can say (names, addresses, links, apps). Every error names the file, the line and the key, and says what
// was expected; the specs' `where` fields keep "file:line" so the simulator can name the place of later
// errors.
#pragma once

#include <string>
#include <string_view>

#include "sim/net/topology.hpp"
#include "stack/core/result.hpp"

namespace strata::sim::scenario {

struct ScenarioError {
  std::string file;
  int line = 0;     // 1-based; 0 when the file could not be read at all
  int column = 0;   // 1-based where known (TOML syntax errors, values); 0 otherwise
  std::string key;  // "link[2].rate", "host[0].iface[1].mac" (0-based, toml++ path syntax); empty for syntax
  std::string message;
  /// "scenarios/x.toml:12: link[2].rate: expected a rate like ..."; a syntax error (no key) also shows its
  /// column, "x.toml:3:9: TOML syntax error: ..."; an unreadable file, "x.toml: cannot read: No such file
  /// ...".
  std::string text() const;
};

using LoadResult = core::Result<net::Topology, ScenarioError>;

/// Reads and loads a scenario file. Anything but a regular file (a directory, a FIFO, a device) and files
/// over 8 MiB are refused unread.
LoadResult load_scenario_file(const std::string& path);

/// Loads scenario text; `name` stands for the file in errors and `where` fields.
LoadResult load_scenario_text(std::string_view text, const std::string& name);

}  // namespace strata::sim::scenario
