// SPDX-License-Identifier: MIT
#include "sim/scenario/simulation.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>
#include <utility>

#include "sim/apps/app_registry.hpp"

namespace strata::sim {

namespace {

/// A host or interface name as part of a file name: '/', control bytes and anything a shell would trip on
/// become '_'; letters, digits, ".-_+@=," and non-ASCII (UTF-8) bytes stay.
std::string file_name_part(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      u >= 0x80 || std::string_view(".-_+@=,").find(c) != std::string_view::npos;
    if (!keep) c = '_';
  }
  return out;
}

}  // namespace

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// An interface with no link: frames sent into it vanish (an unplugged cable).
class Simulation::UnpluggedNic final : public nic::Nic {
 public:
  explicit UnpluggedNic(nic::NicInfo info) : info_(std::move(info)) {}
  const nic::NicInfo& info() const override { return info_; }
  core::Result<void> transmit(core::PacketBuf&&, core::Instant) override { return {}; }

 private:
  nic::NicInfo info_;
};

// One host and its wake-up event: the host's only timer in the engine sits at its next_deadline().
struct Simulation::HostNode final : engine::EventTarget {
  HostNode(Simulation& s, core::HostId id, HostConfig config, std::string name)
      : sim(s), host(id, config, s.pool_, std::move(name)) {}
  void on_event(std::uint64_t, core::Instant now) override {
    wake = {};
    wake_at = core::kNever;
    host.advance(now);
    sim.touch(*this);
  }

  Simulation& sim;
  Host host;
  std::vector<std::unique_ptr<IfacePort>> ports;
  std::vector<AppRunner*> apps;
  engine::TimerId wake;
  core::Instant wake_at = core::kNever;  // when `wake` is due; kNever: no wake-up pending
  bool dirty = false;
};

// Inline: it runs after every event that reaches a host. dirty_ has room for every host (sized at build), and
// a host is in it at most once.
inline void Simulation::touch(HostNode& node) {
  if (node.dirty) return;
  node.dirty = true;
  dirty_[dirty_count_++] = &node;
}

// Where a link delivers into a host: the pcap tap sees the frame, then the host's receive path.
struct Simulation::IfacePort final : net::FrameSink {
  explicit IfacePort(HostNode& n) : node(n) {}
  void receive(core::PacketBuf&& frame, core::Instant now) override {
    const core::Bytes bytes = std::as_const(frame).bytes();
    // Touched first (settle runs after the event either way), and the tap out of line: without one, the
    // host's receive path is the last call, a jump that needs no stack frame here.
    node.sim.touch(node);
    if (tap) return receive_tapped(bytes, now);
    node.host.handle_frame(nic, bytes, now);
  }
  [[gnu::noinline]] void receive_tapped(core::Bytes bytes, core::Instant now) {
    tap->record_rx(bytes, now);
    node.host.handle_frame(nic, bytes, now);
  }

  HostNode& node;
  core::NicId nic{};
  std::string name;
  std::unique_ptr<UnpluggedNic> unplugged;
  std::unique_ptr<nic::PcapTap> tap;
};

// One app: its coroutine, what it waits for, and its place in the engine (start event, deadline event).
struct Simulation::AppRunner final : apps::AppEnv, engine::EventTarget {
  static constexpr std::uint64_t kStart = 0, kDeadline = 1;

  AppRunner(HostNode& n, net::AppSpec s, std::uint64_t app_seed)
      : node(n), spec(std::move(s)), seed_(app_seed) {}

  // AppEnv
  socket::SocketApi& sockets() override { return node.host.sockets(); }
  core::Instant now() const override { return node.sim.sched_.now(); }
  std::uint64_t seed() const override { return seed_; }
  void wait(std::coroutine_handle<> h, int wait_fd, short wait_events,
            std::optional<core::Instant> deadline) override {
    waiting = h;
    fd = wait_fd;
    events = wait_events;
    if (deadline) timer = node.sim.sched_.schedule_at(*deadline, *this, kDeadline);
  }

  // EventTarget: the start time, or a wait's deadline.
  void on_event(std::uint64_t tag, core::Instant now) override {
    node.host.advance(now);
    if (tag == kStart) {
      started = now;
      task.emplace(apps::start_app(*this, spec));
      task->start();
      check_done(now);
    } else {
      timer = {};
      resume(now);
    }
    node.sim.touch(node);
  }

  bool ready() const {
    if (!waiting || fd < 0) return false;
    auto r = node.host.sockets().poll(fd);
    return !r.ok() || (r.value() & (events | socket::kPollErr)) != 0;
  }
  void resume(core::Instant now) {
    if (!waiting) return;
    auto h = waiting;
    waiting = {};
    fd = -1;
    if (timer) node.sim.sched_.cancel(timer);
    timer = {};
    h.resume();
    check_done(now);
  }
  void check_done(core::Instant now) {
    if (task && task->done() && !finished) {
      finished = now;
      result = task->result();
    }
  }

  HostNode& node;
  net::AppSpec spec;
  std::uint64_t seed_;
  std::optional<apps::Task<apps::AppResult>> task;
  std::coroutine_handle<> waiting;
  int fd = -1;
  short events = 0;
  engine::TimerId timer;
  core::Instant started{};
  std::optional<core::Instant> finished;
  apps::AppResult result;
};

struct Simulation::LinkNode {
  std::string a, b;            // "node:iface", or a switch's name
  std::string a_node, b_node;  // the host or switch at each end
  std::unique_ptr<net::SimLink> link;
};

Simulation::Simulation(SimOptions options, std::uint64_t seed)
    : options_(std::move(options)),
      seed_(seed),
      event_limit_(options_.max_events != 0 ? options_.max_events : UINT64_MAX),
      pool_(8192, 64) {}

Simulation::~Simulation() {
  // Apps first: their coroutine frames hold sockets of hosts.
  apps_.clear();
  flush_pcaps();
}

std::unique_ptr<Simulation> Simulation::create(const net::Topology& topology, SimOptions options,
                                               std::string& error) {
  const std::uint64_t seed = options.seed.value_or(topology.seed);
  auto sim = std::make_unique<Simulation>(std::move(options), seed);
  if (auto e = sim->build(topology)) {
    error = *e;
    return nullptr;
  }
  return sim;
}

std::optional<std::string> Simulation::build(const net::Topology& topo) {
  if (options_.until && (options_.until->count() <= 0 || *options_.until > net::kMaxTime))
    return "--until: expected a time above 0 and at most " + std::string(net::kMaxTimeText);
  const auto until = options_.until ? options_.until : topo.until;
  explicit_until_ = until.has_value();
  end_ = core::Instant(until.value_or(options_.default_limit));

  if (!options_.pcap_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.pcap_dir, ec);
    if (ec) return "--pcap-dir " + options_.pcap_dir + ": " + ec.message();
  }

  // Hosts, with a port per interface (not yet plugged).
  for (std::size_t i = 0; i < topo.hosts.size(); ++i) {
    const auto& hs = topo.hosts[i];
    HostConfig config;
    config.seed = mix_seed(seed_, 1000 + i);
    config.ipv4.forward = hs.forward;
    auto node =
        std::make_unique<HostNode>(*this, core::HostId{static_cast<std::uint32_t>(i + 1)}, config, hs.name);
    if (options_.trace) node->host.set_trace_sink(options_.trace);
    for (const auto& is : hs.ifaces) {
      auto port = std::make_unique<IfacePort>(*node);
      port->name = is.name;
      node->ports.push_back(std::move(port));
    }
    hosts_.push_back(std::move(node));
  }
  dirty_.resize(hosts_.size());
  auto find_port = [&](const net::LinkEndSpec& end) -> std::pair<std::size_t, std::size_t> {
    for (std::size_t h = 0; h < topo.hosts.size(); ++h) {
      if (topo.hosts[h].name != end.node) continue;
      for (std::size_t k = 0; k < topo.hosts[h].ifaces.size(); ++k)
        if (topo.hosts[h].ifaces[k].name == end.iface) return {h, k};
    }
    return {SIZE_MAX, SIZE_MAX};
  };
  for (const auto& ss : topo.switches)
    switches_.push_back(std::make_unique<net::LearningSwitch>(ss.name, pool_, ss.aging));
  auto find_switch = [&](const std::string& name) -> net::LearningSwitch* {
    for (auto& s : switches_)
      if (s->name() == name) return s.get();
    return nullptr;
  };

  // Links: each end is a host interface or a switch port. Hosts attach their NICs in interface order below,
  // so first remember which link end each interface sits at.
  std::vector<std::vector<std::pair<net::SimLink*, int>>> plugged(hosts_.size());
  for (std::size_t h = 0; h < hosts_.size(); ++h)
    plugged[h].resize(topo.hosts[h].ifaces.size(), {nullptr, 0});
  for (std::size_t i = 0; i < topo.links.size(); ++i) {
    const auto& ls = topo.links[i];
    net::LinkConfig lc;
    lc.rate_bps = ls.rate_bps;
    lc.delay = ls.delay;
    lc.queue = ls.queue;
    lc.faults.loss = ls.faults.loss;
    lc.faults.reorder = ls.faults.reorder;
    lc.faults.duplicate = ls.faults.duplicate;
    lc.faults.corrupt = ls.faults.corrupt;
    lc.seed = mix_seed(seed_, 2000 + i);
    auto node = std::make_unique<LinkNode>();
    node->a = ls.a.text();
    node->b = ls.b.text();
    node->a_node = ls.a.node;
    node->b_node = ls.b.node;
    node->link = std::make_unique<net::SimLink>(sched_, pool_, lc);
    const net::LinkEndSpec* ends[2] = {&ls.a, &ls.b};
    for (int side = 0; side < 2; ++side) {
      const auto& end = *ends[side];
      if (end.iface.empty()) {
        auto* sw = find_switch(end.node);
        if (!sw) return ls.where + ": link end \"" + end.text() + "\": no such switch";
        auto& sink = sw->add_port(node->link->nic(side));
        node->link->attach(
            side,
            nic::NicInfo{end.node + "-p" + std::to_string(sw->ports()), {}, 9000, nic::LinkType::Ethernet},
            sink);
      } else {
        auto [h, k] = find_port(end);
        if (h == SIZE_MAX) return ls.where + ": link end \"" + end.text() + "\": no such host interface";
        if (plugged[h][k].first) return ls.where + ": interface " + end.text() + " is on two links";
        const auto& is = topo.hosts[h].ifaces[k];
        node->link->attach(side, nic::NicInfo{is.name, is.mac, is.mtu, nic::LinkType::Ethernet},
                           *hosts_[h]->ports[k]);
        plugged[h][k] = {node->link.get(), side};
      }
    }
    links_.push_back(std::move(node));
  }

  // Attach every interface (pcap tap in front when asked), set addresses, add routes.
  std::set<std::string> pcap_files;
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    auto& node = *hosts_[h];
    const auto& hs = topo.hosts[h];
    for (std::size_t k = 0; k < hs.ifaces.size(); ++k) {
      const auto& is = hs.ifaces[k];
      auto& port = *node.ports[k];
      nic::Nic* nic = nullptr;
      if (plugged[h][k].first) {
        nic = &plugged[h][k].first->nic(plugged[h][k].second);
      } else {
        port.unplugged =
            std::make_unique<UnpluggedNic>(nic::NicInfo{is.name, is.mac, is.mtu, nic::LinkType::Ethernet});
        nic = port.unplugged.get();
      }
      if (!options_.pcap_dir.empty()) {
        // why: names come from the scenario file; a '/' (or "..") in them must not place a file outside the
        // directory, and a NUL would cut the path short.
        const std::string file = file_name_part(hs.name) + "-" + file_name_part(is.name) + ".pcap";
        if (!pcap_files.insert(file).second)
          return is.where + ": pcap file " + file + " would be written twice (names that differ only in " +
                 "characters not kept in file names)";
        const std::string path = options_.pcap_dir + "/" + file;
        std::string err;
        auto writer = nic::PcapWriter::open(path, err);
        if (!writer) return path + ": " + err;
        port.tap = std::make_unique<nic::PcapTap>(*nic, std::move(writer));
        nic = port.tap.get();
      }
      port.nic = node.host.attach(*nic, InterfaceConfig{is.addr, is.mtu, true});
    }
    for (const auto& rs : hs.routes) {
      strata::net::Route r;
      r.dest = rs.dest;
      std::optional<core::NicId> out;
      if (rs.via.value == 0) {
        // On-link route: the interface whose subnet holds the destination network, else the first one.
        for (std::size_t k = 0; k < hs.ifaces.size() && !out; ++k)
          if (hs.ifaces[k].addr.contains(rs.dest.address)) out = node.ports[k]->nic;
        if (!out && !node.ports.empty()) out = node.ports[0]->nic;
      } else {
        r.via = rs.via;
        for (std::size_t k = 0; k < hs.ifaces.size() && !out; ++k)
          if (hs.ifaces[k].addr.contains(rs.via)) out = node.ports[k]->nic;
      }
      if (!out)
        return rs.where + ": route " + rs.dest.to_string() + ": gateway not in any interface's subnet";
      r.nic = *out;
      if (!node.host.ipv4().routes().add(r)) return rs.where + ": routing table full";
    }
    touch(node);
  }

  // Apps: each starts with an engine event at its `at`.
  for (std::size_t i = 0; i < topo.apps.size(); ++i) {
    const auto& as = topo.apps[i];
    if (auto e = apps::check(as)) return as.where + ": " + *e;
    HostNode* node = nullptr;
    for (auto& n : hosts_)
      if (n->host.name() == as.host) node = n.get();
    if (!node) return as.where + ": app on unknown host \"" + as.host + "\"";
    auto runner = std::make_unique<AppRunner>(*node, as, mix_seed(seed_, 3000 + i));
    node->apps.push_back(runner.get());
    sched_.schedule_at(core::Instant(as.at), *runner, AppRunner::kStart);
    apps_.push_back(std::move(runner));
  }

  settle(sched_.now());
  return std::nullopt;
}

namespace {
// When a settled host's wake-up is due, its next deadline being `next`. An Instant (kNever: none), not an
// optional: this runs after every event that reached the host.
core::Instant wake_time(core::Instant next, core::Instant now) {
  return next <= now ? now + core::Duration(1) : next;  // advance(now) consumed what was due
}
core::Instant wake_time(const Host& host, core::Instant now) {
  return wake_time(host.next_deadline_or_never(), now);
}
}  // namespace

void Simulation::settle(core::Instant now) {
  // The usual hosts (no apps, a next deadline known without computing it, the wake-up where it was) with no
  // call: a call in this loop, even a rare one, would make every event save registers. From the first other
  // host on, settle_from() does the work.
  for (std::size_t i = 0; i < dirty_count_; ++i) {
    HostNode& node = *dirty_[i];
    core::Instant next;
    if (!node.apps.empty() || !node.host.cached_next_deadline(next) || wake_time(next, now) != node.wake_at)
      return settle_from(i, now);
    node.dirty = false;
  }
  dirty_count_ = 0;
}

void Simulation::settle_from(std::size_t first, core::Instant now) {
  // Resume apps whose sockets became ready, then put each touched host's wake-up at its next deadline.
  // Apps only touch their own host (frames they send leave through links, as events), so one pass per host.
  for (std::size_t i = first; i < dirty_count_; ++i) {
    HostNode& node = *dirty_[i];
    if (!node.apps.empty()) resume_ready_apps(node, now);
    node.dirty = false;
    const core::Instant next = wake_time(node.host, now);
    if (next != node.wake_at) move_wake(node, next);
  }
  dirty_count_ = 0;
}

void Simulation::move_wake(HostNode& node, core::Instant next) {
  if (node.wake) sched_.cancel(node.wake);
  node.wake = next != core::kNever ? sched_.schedule_at(next, node) : engine::TimerId{};
  node.wake_at = next;
}

void Simulation::resume_ready_apps(HostNode& node, core::Instant now) {
  // An app that is resumed may make another ready (or itself again); bounded so a spinning app cannot hang.
  for (int round = 0; round < 100000; ++round) {
    bool any = false;
    for (AppRunner* app : node.apps) {
      if (app->ready()) {
        node.host.advance(now);
        app->resume(now);
        any = true;
      }
    }
    if (!any) break;
  }
}

bool Simulation::finished() {
  const auto t = sched_.next_time();
  return !t || *t > end_;
}

bool Simulation::run_one() {
  if (sched_.dispatched() >= event_limit_) {
    // At the cap: the run is over, and cut short unless nothing was left to do before its end anyway.
    if (!finished()) event_limit_hit_ = true;
    return false;
  }
  if (!sched_.run_one_until(end_)) return false;
  // Here rather than as the scheduler's after-event hook: a direct call, and nothing to settle is cheap.
  if (dirty_count_ != 0) settle(sched_.now());
  return true;
}

void Simulation::run() {
  while (run_one()) {
  }
  // Explicit `until`: the run lasted that long. Otherwise it ended with its last event; cut short by the
  // event cap, it ended where it stopped.
  if (!explicit_until_ || event_limit_hit_) end_ = sched_.now();
}

void Simulation::set_trace_sink(core::TraceSink* sink) {
  for (auto& n : hosts_) n->host.set_trace_sink(sink);
}

Host& Simulation::host(std::size_t i) {
  return hosts_.at(i)->host;
}

Host* Simulation::find_host(std::string_view name) {
  for (auto& n : hosts_)
    if (n->host.name() == name) return &n->host;
  return nullptr;
}

std::vector<AppReport> Simulation::app_reports() const {
  std::vector<AppReport> out;
  for (const auto& a : apps_) {
    AppReport r;
    r.host = a->spec.host;
    r.kind = a->spec.kind;
    r.where = a->spec.where;
    r.started = a->started;
    r.finished = a->finished;
    r.running = a->task && !a->finished;
    r.result = a->finished ? a->result : a->task ? a->task->partial() : apps::AppResult{};
    if (!a->task) r.result.error = "never started (its start time is after the end of the run)";
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<HostReport> Simulation::host_reports() const {
  std::vector<HostReport> out;
  for (const auto& n : hosts_) out.push_back(HostReport{n->host.name(), &n->host.counters()});
  return out;
}

std::vector<LinkReport> Simulation::link_reports() const {
  std::vector<LinkReport> out;
  for (const auto& l : links_) {
    LinkReport r;
    r.a = l->a;
    r.b = l->b;
    r.a_to_b = l->link->stats(0);
    r.b_to_a = l->link->stats(1);
    r.frames = l->link->frames();
    r.dropped = l->link->dropped();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<LinkQueue> Simulation::link_queues() const {
  std::vector<LinkQueue> out;
  for (const auto& l : links_)
    for (int side = 0; side < 2; ++side) {
      LinkQueue q;
      q.from = side == 0 ? l->a : l->b;
      q.to = side == 0 ? l->b : l->a;
      q.from_node = side == 0 ? l->a_node : l->b_node;
      q.to_node = side == 0 ? l->b_node : l->a_node;
      q.in_flight = l->link->in_flight(side);
      q.queued = l->link->queued(side, sched_.now());
      q.held = l->link->held(side);
      q.limit = l->link->config().queue;
      out.push_back(std::move(q));
    }
  return out;
}

std::vector<SwitchReport> Simulation::switch_reports() const {
  std::vector<SwitchReport> out;
  for (const auto& s : switches_) out.push_back(SwitchReport{s->name(), s->stats()});
  return out;
}

bool Simulation::all_apps_ok() const {
  for (const auto& r : app_reports())
    if (!r.result.ok) return false;
  return true;
}

void Simulation::flush_pcaps() {
  for (auto& n : hosts_)
    for (auto& p : n->ports)
      if (p->tap) p->tap->flush();
}

}  // namespace strata::sim
