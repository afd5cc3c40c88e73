// SPDX-License-Identifier: MIT
// Fuzz target: arbitrary bytes as a scenario file (DESIGN.md §6). The text goes through the loader
// (load_scenario_text); a scenario that loads is built into a Simulation and run for 50 ms of virtual time
// under an event cap, then summarised both ways. Nothing may crash, hit undefined behaviour, hang or grow
// without bound: the loader must answer every input with a topology or an error naming the file, and a run
// must end within the cap whatever it builds (a loop of switches, a flood at interval 0, count = 10^18,
// times near the int64 limit).
//
// Builds: with libFuzzer (clang -fsanitize=fuzzer; -DSTRATA_LIBFUZZER=ON) or with standalone_main.cpp (the
// CMake build and ctest, which replay the bundled scenarios and tests/fuzz/scenario_seeds/ with mutations).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/simulation.hpp"
#include "sim/scenario/summary.hpp"

namespace {

using namespace strata;

// A scenario file is at most a few MiB (the loader refuses files over 8 MiB); larger inputs only slow the
// fuzzer down.
constexpr std::size_t kMaxInput = 1 << 20;
// Enough for every bundled scenario's first 50 ms many times over; small enough that a runaway scenario
// costs well under a second.
constexpr std::uint64_t kMaxEvents = 20'000;

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto topology = sim::scenario::load_scenario_text(text, "fuzz.toml");
  if (!topology) {
    // Every error names the file, and says something.
    const auto& e = topology.error();
    require(e.file == "fuzz.toml" && !e.message.empty() && e.text().rfind("fuzz.toml", 0) == 0);
    return 0;
  }

  sim::SimOptions options;
  options.until = std::chrono::milliseconds(50);
  options.max_events = kMaxEvents;
  std::string error;
  auto simulation = sim::Simulation::create(topology.value(), options, error);
  if (!simulation) {
    require(!error.empty());
    return 0;
  }
  simulation->run();
  require(simulation->events() <= kMaxEvents);
  require(simulation->end_time() <= core::Instant(std::chrono::milliseconds(50)));
  const std::string json = sim::summary_json(*simulation);
  const std::string human = sim::summary_text(*simulation, "fuzz.toml");
  require(!json.empty() && json.front() == '{' && json.back() == '}' && !human.empty());
  (void)simulation->all_apps_ok();
  return 0;
}
