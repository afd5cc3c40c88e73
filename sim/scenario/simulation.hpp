// SPDX-License-Identifier: MIT
// Simulation: a Topology made to run. It owns the scheduler, one buffer pool, the hosts (each a real
// strata::Host), the links and switches between them, and the apps. The engine drives each host through the
// stack's three inputs: a link delivers a frame (handle_frame), a host's wake-up event hands it the time
// (advance), and apps make socket calls when the runner resumes them. After every event the hosts it touched
// are settled: waiting apps whose socket became ready are resumed, then the host's single wake-up event is
// moved to its next_deadline(). Apps therefore never run inside the stack (BLUEPRINT rule 4).
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/apps/app_env.hpp"
#include "sim/apps/task.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/net/learning_switch.hpp"
#include "sim/net/sim_link.hpp"
#include "sim/net/topology.hpp"
#include "stack/host.hpp"
#include "stack/nic/pcap_tap.hpp"

namespace strata::sim {

struct SimOptions {
  std::optional<std::uint64_t> seed;    // overrides the scenario's
  std::optional<core::Duration> until;  // overrides the scenario's
  std::string pcap_dir;                 // empty: no pcaps
  /// Installed on every host as it is built, so start-up (ARP announcements at attach) is traced too.
  core::TraceSink* trace = nullptr;
  /// With no `until` anywhere, a run stops when nothing is pending or at this virtual time.
  core::Duration default_limit = std::chrono::hours(1);
  /// Engine events one run may dispatch; 0: no cap. A run that reaches it stops there and
  /// event_limit_hit() says so. why: virtual time bounds nothing when a scenario makes events faster than
  /// time moves (a broadcast storm around a loop of switches over zero-delay links, a flood at interval 0),
  /// and a bound on events, unlike one on wall-clock time, stops every run at the same place on any machine.
  std::uint64_t max_events = kDefaultMaxEvents;
  static constexpr std::uint64_t kDefaultMaxEvents = 100'000'000;
};

struct AppReport {
  std::string host, kind, where;
  apps::AppResult result;
  core::Instant started{};
  std::optional<core::Instant> finished;
  bool running = false;  // still running when the run ended (servers)
};

struct LinkReport {
  std::string a, b;
  net::LinkDirStats a_to_b, b_to_a;
  std::uint64_t frames = 0, dropped = 0;
};

/// What one direction of a link holds right now (the stepper's `print queues`).
struct LinkQueue {
  std::string from, to;            // "node:iface", or a switch's name
  std::string from_node, to_node;  // the host or switch at each end
  std::size_t in_flight = 0;       // sent, not yet delivered
  std::size_t queued = 0;          // of those, still serializing or waiting to (the drop-tail queue)
  std::size_t held = 0;            // held back by the reorder fault
  std::size_t limit = 0;           // the link's queue limit
};

struct SwitchReport {
  std::string name;
  net::LearningSwitch::Stats stats;
};

struct HostReport {
  std::string name;
  const core::Counters* counters = nullptr;
};

class Simulation {
 public:
  /// Builds the network; the error names the scenario place ("file:line") when something cannot be built.
  /// nullptr with `error` set when the topology cannot be built.
  static std::unique_ptr<Simulation> create(const net::Topology& topology, SimOptions options,
                                            std::string& error);
  Simulation(SimOptions options, std::uint64_t seed);  // use create()
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs to the end: until nothing is pending, or the `until` time.
  void run();
  /// One engine event (the stepper's `next`); false when the run is over.
  bool run_one();
  bool finished();
  /// The end of the run: its `until`, or (without one) the time of its last event; when the event cap
  /// stopped it, the time it stopped at.
  core::Instant end_time() const { return end_; }
  /// True once the run stopped at SimOptions::max_events with events still due before its end.
  bool event_limit_hit() const { return event_limit_hit_; }
  std::uint64_t max_events() const { return options_.max_events; }

  /// The engine, to look at. Dispatch through run_one() or run(): they settle the hosts after each event
  /// (the scheduler has no hook installed for it).
  engine::Scheduler& scheduler() { return sched_; }
  const engine::Scheduler& scheduler() const { return sched_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t events() const { return sched_.dispatched(); }
  core::Instant now() const { return sched_.now(); }

  /// Installs a trace sink on every host (the stepper's recorder).
  void set_trace_sink(core::TraceSink* sink);

  std::size_t host_count() const { return hosts_.size(); }
  Host& host(std::size_t i);
  Host* find_host(std::string_view name);

  std::vector<AppReport> app_reports() const;
  std::vector<HostReport> host_reports() const;
  std::vector<LinkReport> link_reports() const;
  /// Both directions of every link, a to b first, in the scenario's order.
  std::vector<LinkQueue> link_queues() const;
  std::vector<SwitchReport> switch_reports() const;
  bool all_apps_ok() const;
  /// Writes and closes the pcap files (also done by the destructor).
  void flush_pcaps();

 private:
  struct HostNode;
  struct IfacePort;
  struct AppRunner;
  struct LinkNode;
  class UnpluggedNic;

  std::optional<std::string> build(const net::Topology& topology);
  void touch(HostNode& node);
  void settle(core::Instant now);
  // settle() from dirty_[first] on, for hosts with apps or a wake-up to move.
  [[gnu::noinline]] void settle_from(std::size_t first, core::Instant now);
  // Out of line: hosts without apps (the usual host a frame reaches) skip it, and settle stays small.
  [[gnu::noinline]] void resume_ready_apps(HostNode& node, core::Instant now);
  // Out of line too: most events leave a host's next deadline where it was.
  [[gnu::noinline]] void move_wake(HostNode& node, core::Instant next);

  SimOptions options_;
  std::uint64_t seed_;
  std::uint64_t event_limit_;  // options_.max_events, UINT64_MAX for none: one compare per event
  core::Instant end_{};
  bool explicit_until_ = false;
  bool event_limit_hit_ = false;
  engine::Scheduler sched_;
  core::BufferPool pool_;
  std::vector<std::unique_ptr<HostNode>> hosts_;
  std::vector<std::unique_ptr<net::LearningSwitch>> switches_;
  std::vector<std::unique_ptr<LinkNode>> links_;
  std::vector<std::unique_ptr<AppRunner>> apps_;
  std::vector<HostNode*> dirty_;  // one place per host; the first dirty_count_ are the hosts to settle
  std::size_t dirty_count_ = 0;
  bool settling_ = false;
};

/// Mixes a seed with an index (SplitMix64 finaliser): per-host, per-link and per-app streams from one seed.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace strata::sim
