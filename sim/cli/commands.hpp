// SPDX-License-Identifier: MIT
// The `strata` command's subcommands, each registered on the CLI11 app by its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

/// Registers `strata replay`; after parsing, the returned callable runs it and gives the exit status.
std::function<int()> add_replay(CLI::App& app);
/// Registers `strata run`.
std::function<int()> add_run(CLI::App& app);
/// Registers `strata step`.
std::function<int()> add_step(CLI::App& app);

}  // namespace strata::cli
