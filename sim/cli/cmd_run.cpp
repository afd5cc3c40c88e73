// SPDX-License-Identifier: MIT
// `strata run SCENARIO.toml [--seed N] [--until TIME] [--pcap-dir DIR] [--json]` (DESIGN.md §5).
#include <cstdio>
#include <memory>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/simulation.hpp"
#include "sim/scenario/summary.hpp"
#include "sim/scenario/units.hpp"

namespace strata::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::uint64_t seed = 0;
  std::string until;
  std::string pcap_dir;
  bool json = false;
  std::uint64_t max_events = sim::SimOptions::kDefaultMaxEvents;
};

}  // namespace

std::function<int()> add_run(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run",
                                 "Run a scenario (hosts, links, switches, apps) in virtual time and "
                                 "summarise what happened");
  cmd->add_option("SCENARIO", args->scenario,
                  "scenario file (TOML, DESIGN.md §6; examples in sim/scenarios/)")
      ->required();
  cmd->add_option("--seed", args->seed, "seed for every random choice (default: the scenario's [sim] seed)");
  cmd->add_option(
      "--until", args->until,
      "stop at this virtual time, e.g. 10s or 250ms (default: the scenario's [sim] until; without "
      "one, the run ends when nothing is left to do, at most after 1 hour of virtual time)");
  cmd->add_option("--pcap-dir", args->pcap_dir, "write one pcap per interface, named HOST-IFACE.pcap");
  cmd->add_flag("--json", args->json, "print one JSON summary object instead of the human summary");
  cmd->add_option("--max-events", args->max_events,
                  "stop the run after this many engine events, whatever the virtual time (default " +
                      std::to_string(sim::SimOptions::kDefaultMaxEvents) +
                      "; 0: no cap). A run cut short this way exits 1: it guards against scenarios that make "
                      "events faster than time moves, such as a loop of switches (a broadcast storm) or a "
                      "flood at interval 0");
  cmd->footer(
      "Exit status: 0 when every app reached its end as designed, 1 when an app failed or the run hit "
      "--max-events, 2 when the scenario cannot be read or built (the message names file, line and key).");
  return [args, cmd]() {
    sim::SimOptions options;
    if (cmd->count("--seed")) options.seed = args->seed;
    if (cmd->count("--until")) {
      auto t = sim::scenario::parse_time(args->until);
      if (!t) {
        std::fprintf(stderr, "strata run: --until: %s\n", t.error().c_str());
        return 2;
      }
      options.until = t.value();
    }
    options.pcap_dir = args->pcap_dir;
    options.max_events = args->max_events;
    auto topology = sim::scenario::load_scenario_file(args->scenario);
    if (!topology) {
      std::fprintf(stderr, "strata run: %s\n", topology.error().text().c_str());
      return 2;
    }
    if (topology.value().hosts.empty()) {
      // An empty file loads (as an empty network), but there is nothing to run: most likely the wrong file.
      std::fprintf(stderr, "strata run: %s: nothing to run: no [[host]] in it (see DESIGN.md §6)\n",
                   args->scenario.c_str());
      return 2;
    }
    std::string error;
    auto simulation = sim::Simulation::create(topology.value(), options, error);
    if (!simulation) {
      std::fprintf(stderr, "strata run: %s\n", error.c_str());
      return 2;
    }
    simulation->run();
    simulation->flush_pcaps();
    const std::string out =
        args->json ? sim::summary_json(*simulation) + "\n" : sim::summary_text(*simulation, args->scenario);
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (simulation->event_limit_hit()) {
      std::fprintf(stderr,
                   "strata run: %s: stopped after %llu events at %s of virtual time, before its end "
                   "(--max-events %llu): does it loop (switches joined in a ring, a broadcast storm) or "
                   "flood (an interval of 0)?\n",
                   args->scenario.c_str(), static_cast<unsigned long long>(simulation->events()),
                   sim::scenario::format_time(simulation->now().time_since_epoch()).c_str(),
                   static_cast<unsigned long long>(simulation->max_events()));
      return 1;
    }
    return simulation->all_apps_ok() ? 0 : 1;
  };
}

}  // namespace strata::cli
