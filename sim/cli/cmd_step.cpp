// SPDX-License-Identifier: MIT
// `strata step SCENARIO.toml [--seed N] [--script FILE]` (DESIGN.md §5): the stepper. At a terminal (and
// without
// --script) commands are read through readline, with history; otherwise line by line from the script or
// stdin, each echoed as "(strata) CMD" so the output reads as a transcript.
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "sim/cli/commands.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/simulation.hpp"
#include "sim/step/stepper.hpp"

namespace strata::cli {
namespace {

struct StepArgs {
  std::string scenario;
  std::uint64_t seed = 0;
  std::string script;
};

/// Lines typed at a terminal, with line editing and history (readline).
class ReadlineSource final : public sim::step::LineSource {
 public:
  std::optional<std::string> next_line() override {
    char* raw = readline("(strata) ");
    if (raw == nullptr) {
      std::fputc('\n', stdout);  // end of input (Ctrl-D): leave the shell's prompt on its own line
      return std::nullopt;
    }
    std::string line(raw);
    std::free(raw);  // readline's buffer is malloc'd
    if (!line.empty() && line != last_) {
      add_history(line.c_str());
      last_ = line;
    }
    return line;
  }
  bool echo() const override { return false; }

 private:
  std::string last_;
};

}  // namespace

std::function<int()> add_step(CLI::App& app) {
  auto args = std::make_shared<StepArgs>();
  auto* cmd = app.add_subcommand("step",
                                 "Step through a scenario one layer boundary at a time (an interactive "
                                 "debugger for the stack)");
  cmd->add_option("SCENARIO", args->scenario,
                  "scenario file (TOML, DESIGN.md §6; examples in sim/scenarios/)")
      ->required();
  cmd->add_option("--seed", args->seed, "seed for every random choice (default: the scenario's [sim] seed)");
  cmd->add_option("--script", args->script, "read commands from FILE instead of the terminal");
  cmd->footer(
      "Commands: step, next, continue, break, delete, back, print packet|socket|tcb|arp|routes|queues "
      "[HOST], "
      "info, help, quit (\"help\" inside says more).\nExit status: 0 when the commands ran out or quit was "
      "given, "
      "2 when the scenario or the script cannot be read or built.");
  return [args, cmd]() {
    sim::SimOptions options;
    if (cmd->count("--seed")) options.seed = args->seed;
    auto loaded = sim::scenario::load_scenario_file(args->scenario);
    if (!loaded) {
      std::fprintf(stderr, "strata step: %s\n", loaded.error().text().c_str());
      return 2;
    }
    // Build once here so a scenario that cannot run is reported before the first prompt; the stepper then
    // builds its own (and rebuilds for `back`) with its recorder installed from the start.
    auto topology = std::make_shared<const sim::net::Topology>(std::move(loaded).value());
    std::string error;
    if (!sim::Simulation::create(*topology, options, error)) {
      std::fprintf(stderr, "strata step: %s\n", error.c_str());
      return 2;
    }
    sim::step::Stepper stepper(
        [topology, options](core::TraceSink* sink) -> std::unique_ptr<sim::Simulation> {
          auto with_sink = options;
          with_sink.trace = sink;
          std::string ignored;  // the same topology built once already
          return sim::Simulation::create(*topology, with_sink, ignored);
        });

    if (!args->script.empty()) {
      std::ifstream script(args->script);
      if (!script) {
        std::fprintf(stderr, "strata step: %s: cannot read the script\n", args->script.c_str());
        return 2;
      }
      sim::step::StreamLineSource source(script, true);
      return stepper.run(source, std::cout);
    }
    if (isatty(STDIN_FILENO) != 0) {
      std::cout << "Stepping " << args->scenario << " (" << stepper.simulation()->host_count()
                << " hosts). Type \"help\" for the commands.\n";
      ReadlineSource source;
      return stepper.run(source, std::cout);
    }
    sim::step::StreamLineSource source(std::cin, true);
    return stepper.run(source, std::cout);
  };
}

}  // namespace strata::cli
