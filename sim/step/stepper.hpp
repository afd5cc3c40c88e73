// SPDX-License-Identifier: MIT
// The stepper (DESIGN.md §5 `strata step`, BLUEPRINT §6): runs a Simulation one layer boundary at a time.
// The stack never pauses: the Recorder keeps the boundaries of the engine event just run, `step` shows them
// one by one and runs the next engine event when they are used up. A position is (engine event, boundaries of
// it shown); `back` rebuilds the simulation from its factory and re-runs it, deterministically, to the
// position one boundary earlier, then checks that it saw the same boundaries on the way.
//
// Commands: step [N], next [N], continue, break ..., delete N, back, print
// packet|socket|tcb|arp|routes|queues [HOST], info, help, quit. Output is plain text; the command loop reads
// lines from a LineSource so the CLI can plug in readline while tests feed strings.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/simulation.hpp"
#include "sim/step/breakpoints.hpp"
#include "sim/step/recorder.hpp"

namespace strata::sim::step {

/// Makes a fresh simulation of the same scenario; called once at the start and again for every `back`.
/// nullptr when it cannot (the stepper reports it).
/// Builds a fresh simulation with `sink` installed on every host from the start (SimOptions::trace), so the
/// boundaries crossed while the network is built (ARP announcements) are the stepper's first steps.
using SimulationFactory = std::function<std::unique_ptr<Simulation>(core::TraceSink* sink)>;

/// Where the stepper stands: `event` engine events have run (0: none yet) and `boundary` of the last one's
/// recorded boundaries have been shown.
struct Position {
  std::uint64_t event = 0;
  std::size_t boundary = 0;
  bool operator==(const Position&) const = default;
};

/// Where command lines come from: readline at a terminal, a script file, a string in tests.
class LineSource {
 public:
  virtual ~LineSource() = default;
  /// The next line (without its newline), or nullopt at the end of input.
  virtual std::optional<std::string> next_line() = 0;
  /// Whether the stepper echoes each command as "(strata) CMD" (so a transcript of a script reads well);
  /// false when a terminal already shows what was typed.
  virtual bool echo() const = 0;
};

/// Lines from a stream (a script file, stdin that is not a terminal, a std::istringstream in tests).
class StreamLineSource final : public LineSource {
 public:
  explicit StreamLineSource(std::istream& in, bool echo = true) : in_(in), echo_(echo) {}
  std::optional<std::string> next_line() override;
  bool echo() const override { return echo_; }

 private:
  std::istream& in_;
  bool echo_;
};

class Stepper {
 public:
  explicit Stepper(SimulationFactory factory);
  ~Stepper();
  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

  /// False when the factory gave no simulation (error() says so); commands then only report that.
  bool ok() const { return sim_ != nullptr; }
  const std::string& error() const { return error_; }

  /// Runs one command line, writing what it shows to `out`. False when it was `quit`.
  bool execute(std::string_view line, std::ostream& out);
  /// Reads and runs commands until `quit` or the end of input. Returns the exit status (0).
  int run(LineSource& in, std::ostream& out);

  Position position() const { return {events_run_, shown_}; }
  /// Boundaries shown or passed over since the start.
  std::uint64_t boundaries_passed() const { return passed_; }
  /// The boundary at the position, or null before the first one.
  const RecordedEvent* current() const;
  const Recorder& recorder() const { return recorder_; }
  Simulation* simulation() { return sim_.get(); }
  const Breakpoints& breakpoints() const { return breakpoints_; }

  /// One boundary as a step line: "[   10.000100 ms] client  udp    tx send     10.0.0.1:49152 > ...".
  std::string boundary_line(const RecordedEvent& e) const;
  /// The same without the time (the lines under an event's header in `next`).
  std::string boundary_text(const RecordedEvent& e) const;

 private:
  bool start_fresh();
  /// Runs engine events until one records a boundary, then passes it; its index in the recorder, or nullopt
  /// when the run has ended.
  std::optional<std::size_t> advance_boundary();
  /// Runs one engine event with a cleared recorder; false when the run has ended.
  bool run_event();
  std::uint64_t fingerprint(std::size_t index) const;
  /// The IPv4 addresses of the packet at a transport boundary, from the same packet elsewhere in the event.
  std::optional<std::pair<wire::Ipv4Address, wire::Ipv4Address>> addresses_of(const RecordedEvent& e) const;
  void say_ended(std::ostream& out) const;

  void cmd_step(std::string_view args, std::ostream& out);
  void cmd_next(std::string_view args, std::ostream& out);
  void cmd_continue(std::ostream& out);
  void cmd_break(std::string_view args, std::ostream& out);
  void cmd_delete(std::string_view args, std::ostream& out);
  void cmd_back(std::ostream& out);
  void cmd_print(std::string_view args, std::ostream& out);
  void cmd_info(std::ostream& out) const;
  void cmd_help(std::ostream& out) const;

  void print_packet(std::ostream& out) const;
  void print_sockets(Host& host, std::ostream& out) const;
  void print_arp(Host& host, std::ostream& out) const;
  void print_routes(Host& host, std::ostream& out) const;
  void print_queues(Host& host, std::ostream& out) const;
  /// The frames on each link direction; only the links with an end on `host` when one is named.
  void print_link_queues(std::string_view host, std::ostream& out) const;

  SimulationFactory factory_;
  std::string error_;
  Recorder recorder_;  // declared before sim_: the simulation holds a pointer to it until it is destroyed
  std::unique_ptr<Simulation> sim_;
  Breakpoints breakpoints_;
  std::uint64_t events_run_ = 0;
  std::size_t shown_ = 0;
  std::uint64_t passed_ = 0;
  bool ended_ = false;
  /// One fingerprint per boundary passed, in order: what `back` checks the re-execution against.
  std::vector<std::uint64_t> history_;
};

}  // namespace strata::sim::step
