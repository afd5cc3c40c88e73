// SPDX-License-Identifier: MIT
// The `strata` command (DESIGN.md §5): replay, run and step; live comes with its own issue.
#include <cstdio>
#include <exception>

#include "sim/cli/commands.hpp"

namespace {

int run_command(int argc, char** argv) {
  CLI::App app{"strata: a layered TCP/IP stack you can watch, replay captures through, and measure"};
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);
  auto replay = strata::cli::add_replay(app);
  auto run = strata::cli::add_run(app);
  auto step = strata::cli::add_step(app);
  app.footer("Not in this build yet: live (it arrives with the live-mode issue).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help/version with exit 0 and usage errors with its own code; ours is 2 for bad usage.
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (app.got_subcommand("replay")) return replay();
  if (app.got_subcommand("run")) return run();
  if (app.got_subcommand("step")) return step();
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Bad input is reported where it is found, with its exit status; an exception that gets this far is a
  // failure of the run (memory exhausted, a bug): said on stderr, exit 1, not an abort.
  try {
    return run_command(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "strata: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "strata: internal error\n");
  }
  return 1;
}
