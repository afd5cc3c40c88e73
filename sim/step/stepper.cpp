// SPDX-License-Identifier: MIT
#include "sim/step/stepper.hpp"

#include <charconv>
#include <cstdio>
#include <istream>
#include <ostream>

#include "stack/core/errno.hpp"
#include "stack/wire/describe.hpp"

namespace strata::sim::step {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// The first word and the rest, trimmed.
std::pair<std::string_view, std::string_view> split_word(std::string_view s) {
  s = trim(s);
  const auto space = s.find_first_of(" \t");
  if (space == std::string_view::npos) return {s, {}};
  return {s.substr(0, space), trim(s.substr(space))};
}

std::string time_text(core::Instant t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%11.6f ms", static_cast<double>(core::to_ns(t)) / 1e6);
  return buf;
}

/// "10.0.0.2:7"; a bare address for port 0 (ping sockets have none).
std::string endpoint_text(std::uint32_t addr, std::uint16_t port) {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) about ":" + std::string at -O3.
  std::string s = wire::Ipv4Address{addr}.to_string();
  if (port != 0) {
    s += ':';
    s += std::to_string(port);
  }
  return s;
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

/// "sendto(fd=3, 10.0.0.2:7) = 100", "recvfrom(fd=3) = 100 from 10.0.0.2:7", "bind(fd=3, 0.0.0.0:7) = -1
/// EADDRINUSE"
std::string call_text(const RecordedCall& c) {
  std::string out = c.call + "(";
  if (c.call != "socket") out += "fd=" + std::to_string(c.fd);
  const bool addr_in = c.call == "bind" || c.call == "connect" || c.call == "sendto";
  if (addr_in && (c.addr != 0 || c.port != 0)) out += ", " + endpoint_text(c.addr, c.port);
  out += ") = ";
  if (c.result < 0) {
    out += "-1 " + std::string(core::name(static_cast<core::Errno>(-c.result)));
    return out;
  }
  if (c.call == "getsockname") return out + endpoint_text(c.addr, c.port);
  out += std::to_string(c.result);
  if ((c.call == "recvfrom" || c.call == "recv") && (c.addr != 0 || c.port != 0))
    out += " from " + endpoint_text(c.addr, c.port);
  return out;
}

/// "N" as a count >= 1, default 1; nullopt when it is not a number.
std::optional<std::uint64_t> count_arg(std::string_view args) {
  args = trim(args);
  if (args.empty()) return 1;
  std::uint64_t n = 0;
  const auto [p, ec] = std::from_chars(args.data(), args.data() + args.size(), n);
  if (ec != std::errc{} || p != args.data() + args.size() || n == 0) return std::nullopt;
  return n;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  // FNV-1a over the 8 bytes of v.
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string nic_name(Host& host, core::NicId nic) {
  if (nic.value < host.ethernet().nic_count()) return host.ethernet().info(nic).name;
  return "nic" + std::to_string(nic.value);
}

}  // namespace

std::optional<std::string> StreamLineSource::next_line() {
  std::string line;
  if (!std::getline(in_, line)) return std::nullopt;
  return line;
}

Stepper::Stepper(SimulationFactory factory) : factory_(std::move(factory)) {
  start_fresh();
}

Stepper::~Stepper() {
  // The simulation's teardown may close sockets (traced): detach the recorder first.
  if (sim_) sim_->set_trace_sink(nullptr);
}

bool Stepper::start_fresh() {
  if (sim_) sim_->set_trace_sink(nullptr);
  sim_.reset();
  recorder_.clear();
  events_run_ = 0;
  shown_ = 0;
  passed_ = 0;
  ended_ = false;
  history_.clear();
  sim_ = factory_ ? factory_(&recorder_) : nullptr;
  if (!sim_) {
    error_ = "the scenario could not be built";
    return false;
  }
  for (std::size_t i = 0; i < sim_->host_count(); ++i) {
    Host& h = sim_->host(i);
    recorder_.set_host_name(h.id(), h.name());
  }
  sim_->set_trace_sink(&recorder_);
  return true;
}

bool Stepper::run_event() {
  if (ended_) return false;
  recorder_.clear();
  shown_ = 0;
  if (!sim_->run_one()) {
    ended_ = true;
    return false;
  }
  ++events_run_;
  return true;
}

std::optional<std::size_t> Stepper::advance_boundary() {
  while (shown_ >= recorder_.size())
    if (!run_event()) return std::nullopt;
  const std::size_t index = shown_++;
  ++passed_;
  history_.push_back(fingerprint(index));
  return index;
}

std::uint64_t Stepper::fingerprint(std::size_t index) const {
  const RecordedEvent& e = recorder_[index];
  std::uint64_t h = 0xcbf29ce484222325ULL;
  h = mix(h, events_run_);
  h = mix(h, index);
  h = mix(h, static_cast<std::uint64_t>(core::to_ns(e.time)));
  h = mix(h, e.host.value);
  h = mix(h, (std::uint64_t{static_cast<std::uint8_t>(e.layer)} << 24) |
                 (std::uint64_t{static_cast<std::uint8_t>(e.dir)} << 16) |
                 (std::uint64_t{static_cast<std::uint8_t>(e.kind)} << 8) |
                 static_cast<std::uint8_t>(e.reason));
  h = mix(h, e.packet.value);
  h = mix(h, e.bytes_seen);
  for (std::byte b : recorder_.bytes(e)) h = (h ^ static_cast<std::uint8_t>(b)) * 0x100000001b3ULL;
  if (e.has_call) {
    for (char c : e.call.call) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    h = mix(h, static_cast<std::uint64_t>(e.call.fd));
    h = mix(h, static_cast<std::uint64_t>(e.call.result));
    h = mix(h, (std::uint64_t{e.call.addr} << 16) | e.call.port);
  }
  return h;
}

std::optional<std::pair<wire::Ipv4Address, wire::Ipv4Address>> Stepper::addresses_of(
    const RecordedEvent& e) const {
  // A transport header alone does not say its addresses; the same packet at the IPv4 boundary of this engine
  // event (just below on a send, just before on a receive) does.
  if (e.packet.value == 0) return std::nullopt;
  for (std::size_t i = 0; i < recorder_.size(); ++i) {
    const RecordedEvent& other = recorder_[i];
    if (other.packet != e.packet || other.host != e.host || other.layer == e.layer) continue;
    const core::Bytes bytes = recorder_.bytes(other);
    if (auto ip = wire::ipv4_addresses(bytes, first_header(other, bytes))) return ip;
  }
  return std::nullopt;
}

const RecordedEvent* Stepper::current() const {
  if (shown_ == 0 || shown_ > recorder_.size()) return nullptr;
  return &recorder_[shown_ - 1];
}

std::string Stepper::boundary_text(const RecordedEvent& e) const {
  std::string out = pad(recorder_.host_name(e.host), recorder_.host_name_width()) + "  ";
  if (e.has_call) return out + pad(core::name(e.layer), 7) + call_text(e.call);
  out += pad(core::name(e.layer), 7);
  out += pad(e.dir == core::Dir::None ? "" : core::name(e.dir), 3);
  out += pad(core::name(e.kind), 9);
  const core::Bytes bytes = recorder_.bytes(e);
  const wire::FirstHeader first = first_header(e, bytes);
  const bool transport_only =
      first == wire::FirstHeader::Icmp || first == wire::FirstHeader::Udp || first == wire::FirstHeader::Tcp;
  if (e.bytes_seen == 0) {
    out += "(no packet)";
  } else if (const auto ip = transport_only ? addresses_of(e) : std::nullopt) {
    out += wire::summarize_frame(bytes, first, ip->first, ip->second);
  } else {
    out += wire::summarize_frame(bytes, first);
  }
  if (e.reason != core::Reason::None) out += "  [" + std::string(core::name(e.reason)) + "]";
  return out;
}

std::string Stepper::boundary_line(const RecordedEvent& e) const {
  std::string s = "[";  // appended piece by piece, as in endpoint_text()
  s += time_text(e.time);
  s += "] ";
  s += boundary_text(e);
  return s;
}

void Stepper::say_ended(std::ostream& out) const {
  out << "The run has ended: no more events (virtual time " << trim(time_text(sim_->now())) << ", "
      << events_run_ << " events, " << passed_ << " boundaries).\n";
}

bool Stepper::execute(std::string_view line, std::ostream& out) {
  const auto [command, args] = split_word(line);
  if (command.empty() || command.front() == '#') return true;
  if (command == "quit" || command == "q" || command == "exit") return false;
  if (command == "help" || command == "h") {
    cmd_help(out);
    return true;
  }
  if (!sim_) {
    out << "No simulation: " << error_ << ".\n";
    return true;
  }
  if (command == "step" || command == "s")
    cmd_step(args, out);
  else if (command == "next" || command == "n")
    cmd_next(args, out);
  else if (command == "continue" || command == "c")
    cmd_continue(out);
  else if (command == "break" || command == "b")
    cmd_break(args, out);
  else if (command == "delete" || command == "d")
    cmd_delete(args, out);
  else if (command == "back")
    cmd_back(out);
  else if (command == "print" || command == "p")
    cmd_print(args, out);
  else if (command == "info" || command == "i")
    cmd_info(out);
  else
    out << "Unknown command \"" << command << "\". Try \"help\".\n";
  return true;
}

int Stepper::run(LineSource& in, std::ostream& out) {
  while (auto line = in.next_line()) {
    const std::string_view text = trim(*line);
    if (text.empty() || text.front() == '#') continue;
    if (in.echo()) out << "(strata) " << text << '\n';
    const bool more = execute(text, out);
    out.flush();
    if (!more) break;
  }
  return 0;
}

void Stepper::cmd_step(std::string_view args, std::ostream& out) {
  const auto n = count_arg(args);
  if (!n) {
    out << "step: expected a count of steps (a positive number), got \"" << args << "\".\n";
    return;
  }
  for (std::uint64_t i = 0; i < *n; ++i) {
    const auto index = advance_boundary();
    if (!index) return say_ended(out);
    out << boundary_line(recorder_[*index]) << '\n';
  }
}

void Stepper::cmd_next(std::string_view args, std::ostream& out) {
  const auto n = count_arg(args);
  if (!n) {
    out << "next: expected a count of events (a positive number), got \"" << args << "\".\n";
    return;
  }
  for (std::uint64_t i = 0; i < *n; ++i) {
    // The rest of the current event when some of it is unseen, else the whole next event.
    // (Event 0 is the start-up: what the hosts did while the network was built, e.g. ARP announcements.)
    const bool rest = shown_ < recorder_.size();
    if (!rest && !run_event()) return say_ended(out);
    const std::size_t from = shown_, count = recorder_.size() - from;
    if (events_run_ == 0)
      out << "start-up at " << trim(time_text(sim_->now())) << ": ";
    else
      out << "event " << events_run_ << " at " << trim(time_text(sim_->now())) << ": ";
    if (count == 0)
      out << "no layer boundaries\n";
    else if (rest && from > 0)
      out << count << " more boundar" << (count == 1 ? "y" : "ies") << '\n';
    else
      out << count << " boundar" << (count == 1 ? "y" : "ies") << '\n';
    while (shown_ < recorder_.size()) {
      const auto index = advance_boundary();
      out << "  " << boundary_text(recorder_[*index]) << '\n';
    }
    if (recorder_.overflow() != 0)
      out << "  (" << recorder_.overflow() << " more boundaries not recorded: the recorder's cap)\n";
  }
}

void Stepper::cmd_continue(std::ostream& out) {
  const std::uint64_t start = passed_;
  while (const auto index = advance_boundary()) {
    const RecordedEvent& e = recorder_[*index];
    if (const Breakpoint* b = breakpoints_.match(e, recorder_.bytes(e), recorder_.host_name(e.host))) {
      out << "Breakpoint " << b->number << " (" << b->condition.text() << "), after " << passed_ - start
          << " boundar" << (passed_ - start == 1 ? "y" : "ies") << ":\n";
      out << boundary_line(e) << '\n';
      return;
    }
  }
  say_ended(out);
}

void Stepper::cmd_break(std::string_view args, std::ostream& out) {
  auto added = breakpoints_.add(args);
  if (!added) {
    out << added.error() << '\n';
    return;
  }
  const Breakpoint& b = breakpoints_.list().back();
  out << "Breakpoint " << b.number << ": " << b.condition.text() << '\n';
}

void Stepper::cmd_delete(std::string_view args, std::ostream& out) {
  args = trim(args);
  int number = 0;
  const auto [p, ec] = std::from_chars(args.data(), args.data() + args.size(), number);
  if (args.empty() || ec != std::errc{} || p != args.data() + args.size()) {
    out << "delete: expected a breakpoint number (see \"info\").\n";
    return;
  }
  if (!breakpoints_.remove(number)) {
    out << "delete: no breakpoint number " << number << ".\n";
    return;
  }
  out << "Deleted breakpoint " << number << ".\n";
}

void Stepper::cmd_back(std::ostream& out) {
  if (passed_ == 0) {
    out << "Already at the start: no boundary to go back to.\n";
    return;
  }
  const std::uint64_t target = passed_ - 1;
  std::vector<std::uint64_t> expected(history_.begin(),
                                      history_.begin() + static_cast<std::ptrdiff_t>(target));
  if (!start_fresh()) {
    out << "back: " << error_ << ".\n";
    return;
  }
  while (passed_ < target)
    if (!advance_boundary()) break;
  if (passed_ != target || history_ != expected) {
    out << "back: the re-execution diverged from the first run (reached " << passed_ << " of " << target
        << " boundaries, " << (history_ == expected ? "same" : "different") << " boundaries on the way); "
        << "the scenario is not deterministic.\n";
    return;
  }
  if (target == 0) {
    out << "Back at the start: no boundary shown yet.\n";
    return;
  }
  out << "Back to event " << events_run_ << ", boundary " << shown_ << " of " << recorder_.size() << ":\n";
  out << boundary_line(*current()) << '\n';
}

void Stepper::cmd_print(std::string_view args, std::ostream& out) {
  const auto [what, rest] = split_word(args);
  if (what == "packet" || what == "pkt") {
    if (!rest.empty()) out << "print packet takes no host; it shows the current boundary.\n";
    return print_packet(out);
  }
  if (what == "tcb") {
    out << "TCP is not in this build yet: there are no connections to show.\n";
    return;
  }
  using Printer = void (Stepper::*)(Host&, std::ostream&) const;
  Printer printer = nullptr;
  if (what == "socket" || what == "sockets")
    printer = &Stepper::print_sockets;
  else if (what == "arp")
    printer = &Stepper::print_arp;
  else if (what == "routes" || what == "route")
    printer = &Stepper::print_routes;
  else if (what == "queues" || what == "queue")
    printer = &Stepper::print_queues;
  if (printer == nullptr) {
    out << "print: expected packet, socket, tcb, arp, routes or queues"
        << (what.empty() ? std::string(".") : ", got \"" + std::string(what) + "\".") << '\n';
    return;
  }
  if (!rest.empty()) {
    Host* host = sim_->find_host(rest);
    if (host == nullptr) {
      out << "print: no host named \"" << rest << "\".\n";
      return;
    }
    out << host->name() << ":\n";
    (this->*printer)(*host, out);
    if (printer == &Stepper::print_queues) print_link_queues(rest, out);
    return;
  }
  for (std::size_t i = 0; i < sim_->host_count(); ++i) {
    Host& host = sim_->host(i);
    out << host.name() << ":\n";
    (this->*printer)(host, out);
  }
  if (printer == &Stepper::print_queues) print_link_queues({}, out);
}

void Stepper::print_link_queues(std::string_view host, std::ostream& out) const {
  bool any = false;
  for (const auto& q : sim_->link_queues()) {
    if (!host.empty() && q.from_node != host && q.to_node != host) continue;
    if (!any) out << "links:\n";
    any = true;
    out << "  " << q.from << " -> " << q.to << ": " << q.in_flight << " in flight (" << q.queued
        << " serializing or waiting, limit " << q.limit << ")";
    if (q.held != 0) out << ", " << q.held << " held for reordering";
    out << '\n';
  }
}

void Stepper::print_packet(std::ostream& out) const {
  const RecordedEvent* e = current();
  if (e == nullptr) {
    out << "No boundary shown yet: \"step\" first.\n";
    return;
  }
  out << boundary_line(*e) << '\n';
  if (e->has_call) {
    out << "A socket call: no packet at this boundary.\n";
    return;
  }
  if (e->bytes_seen == 0) {
    out << "No packet bytes at this boundary.\n";
    return;
  }
  const core::Bytes bytes = recorder_.bytes(*e);
  if (bytes.size() < e->bytes_seen)
    out << "(only " << bytes.size() << " of the " << e->bytes_seen << " bytes were recorded)\n";
  const wire::FirstHeader first = first_header(*e, bytes);
  const bool transport_only =
      first == wire::FirstHeader::Icmp || first == wire::FirstHeader::Udp || first == wire::FirstHeader::Tcp;
  // A whole transport message with its addresses known elsewhere: its checksum can be verified.
  const auto ip = transport_only && bytes.size() == e->bytes_seen ? addresses_of(*e) : std::nullopt;
  if (ip) out << "(IPv4 " << ip->first.to_string() << " > " << ip->second.to_string() << ")\n";
  out << (ip ? wire::describe_frame(bytes, first, ip->first, ip->second)
             : wire::describe_frame(bytes, first));
}

void Stepper::print_sockets(Host& host, std::ostream& out) const {
  const auto sockets = host.sockets().socket_entries();
  if (sockets.empty()) {
    out << "  (no open sockets)\n";
    return;
  }
  out << "  fd  type  local                  remote                 queued  dropped\n";
  for (const auto& s : sockets) {
    std::optional<transport::Endpoint> local, remote;
    std::size_t queued = 0;
    std::uint64_t dropped = 0;
    if (s.ping) {
      local = host.ping().local(s.endpoint);
      remote = host.ping().remote(s.endpoint);
      queued = host.ping().queued(s.endpoint);
      dropped = host.ping().queue_drops(s.endpoint);
    } else {
      local = host.udp().local(s.endpoint);
      remote = host.udp().remote(s.endpoint);
      queued = host.udp().queued(s.endpoint);
      dropped = host.udp().queue_drops(s.endpoint);
    }
    // A ping socket's "port" is its ICMP identifier; its peer has no port.
    auto text = [&](const std::optional<transport::Endpoint>& ep, bool is_remote) {
      if (!ep) return std::string("-");
      if (s.ping) return ep->addr.to_string() + (is_remote ? "" : " id " + std::to_string(ep->port));
      return ep->addr.to_string() + ":" + std::to_string(ep->port);
    };
    char line[160];
    std::snprintf(line, sizeof line, "  %-3d %-5s %-22s %-22s %6zu  %7llu\n", s.fd, s.ping ? "icmp" : "udp",
                  text(local, false).c_str(), text(remote, true).c_str(), queued,
                  static_cast<unsigned long long>(dropped));
    out << line;
  }
}

void Stepper::print_arp(Host& host, std::ostream& out) const {
  const auto& cache = host.arp().cache();
  const auto now = sim_->now();
  if (cache.entries().empty()) out << "  (ARP cache empty)\n";
  for (const auto& e : cache.entries()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-6s %-15s %s  expires in %.6f s\n", nic_name(host, e.nic).c_str(),
                  e.ip.to_string().c_str(), e.mac.to_string().c_str(),
                  static_cast<double>(core::to_ns(e.expires - now)) / 1e9);
    out << line;
  }
  const auto pending = host.arp().pending_entries();
  if (!pending.empty()) out << "  " << pending.size() << " packet(s) waiting for resolution (print queues)\n";
}

void Stepper::print_routes(Host& host, std::ostream& out) const {
  const auto& routes = host.ipv4().routes().routes();
  if (routes.empty()) out << "  (no routes)\n";
  for (const auto& r : routes) {
    char line[160];
    const std::string via = r.via ? "via " + r.via->to_string() : std::string("on-link");
    std::snprintf(line, sizeof line, "  %-18s %-20s dev %-6s metric %u\n", r.dest.to_string().c_str(),
                  via.c_str(), nic_name(host, r.nic).c_str(), r.metric);
    out << line;
  }
}

void Stepper::print_queues(Host& host, std::ostream& out) const {
  const auto pending = host.arp().pending_entries();
  out << "  arp pending: " << pending.size() << " packet" << (pending.size() == 1 ? "" : "s") << '\n';
  for (const auto& p : pending)
    out << "    " << nic_name(host, p.nic) << " -> " << p.next_hop.to_string() << ", " << p.bytes
        << " bytes\n";
  const auto& reassembler = host.ipv4().reassembler();
  out << "  ipv4 reassembly: " << reassembler.datagrams_in_progress() << " datagram(s) in progress, "
      << reassembler.bytes_held() << " bytes held\n";
  for (const auto& s : host.sockets().socket_entries()) {
    const std::size_t queued = s.ping ? host.ping().queued(s.endpoint) : host.udp().queued(s.endpoint);
    const std::uint64_t dropped =
        s.ping ? host.ping().queue_drops(s.endpoint) : host.udp().queue_drops(s.endpoint);
    out << "  socket fd " << s.fd << " (" << (s.ping ? "icmp" : "udp") << "): " << queued << " queued, "
        << dropped << " dropped\n";
  }
}

void Stepper::cmd_info(std::ostream& out) const {
  out << "Virtual time: " << trim(time_text(sim_->now())) << '\n';
  out << "Position: event " << events_run_ << ", boundary " << shown_ << " of " << recorder_.size() << " ("
      << passed_ << " boundaries passed)" << (ended_ ? ", the run has ended" : "") << '\n';
  if (breakpoints_.empty()) {
    out << "Breakpoints: none\n";
  } else {
    out << "Breakpoints:\n";
    for (const auto& b : breakpoints_.list())
      out << "  " << b.number << "  " << b.condition.text() << "  (hit " << b.hits << " time"
          << (b.hits == 1 ? "" : "s") << (b.spent ? ", spent" : "") << ")\n";
  }
  out << "Hosts:\n";
  for (std::size_t i = 0; i < sim_->host_count(); ++i) {
    Host& host = sim_->host(i);
    out << "  " << host.name() << (host.config().ipv4.forward ? " (router)" : "") << '\n';
    for (std::size_t k = 0; k < host.ethernet().nic_count(); ++k) {
      const core::NicId nic{static_cast<std::uint16_t>(k)};
      const auto& info = host.ethernet().info(nic);
      const auto& iface =
          k < host.ipv4().interface_count() ? host.ipv4().interface(nic) : strata::net::Ipv4Interface{};
      out << "    " << info.name << "  "
          << (iface.addr ? iface.addr->to_string() : std::string("(no address)")) << "  "
          << info.mac.to_string() << "  mtu " << iface.mtu << '\n';
    }
  }
}

void Stepper::cmd_help(std::ostream& out) const {
  out << "Commands (short forms in brackets):\n"
         "  step [N]      (s)  show the next layer boundary (N of them); runs the next engine event when "
         "needed\n"
         "  next [N]      (n)  run to the end of the next engine event, showing its boundaries\n"
         "  continue      (c)  run until a breakpoint matches, or to the end of the run\n"
         "  break [host=H] [layer=L] [proto=P] [port=N] [flags=SYN,ACK] [time=T] [dir=rx|tx] [kind=K]   (b)\n"
         "                     stop at boundaries matching every condition given; time=T: the first one at "
         "or\n"
         "                     after virtual time T (\"10ms\", \"1.5s\")\n"
         "  delete N      (d)  delete breakpoint N\n"
         "  back               one boundary backwards (re-runs the scenario deterministically)\n"
         "  print packet  (p)  the current boundary's packet, layer by layer, and its bytes in hex\n"
         "  print socket|tcb|arp|routes|queues [HOST]\n"
         "                     socket table, TCP control blocks, ARP cache, routing table, queues\n"
         "                     (ARP, reassembly, sockets, and the frames on each link)\n"
         "  info          (i)  time, position, breakpoints, hosts\n"
         "  help          (h)  this list\n"
         "  quit          (q)  leave\n";
}

}  // namespace strata::sim::step
