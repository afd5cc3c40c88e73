// SPDX-License-Identifier: MIT
#include "sim/scenario/summary.hpp"

#include <fmt/format.h>

#include <map>

namespace strata::sim {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string seconds(core::Instant t) {
  return fmt::format("{:.6f} s", static_cast<double>(core::to_ns(t)) / 1e9);
}

}  // namespace

std::string summary_json(const Simulation& sim) {
  std::string out = fmt::format("{{\"seed\":{},\"sim_time_ns\":{},\"events\":{},\"apps\":[", sim.seed(),
                                core::to_ns(sim.end_time()), sim.events());
  bool first = true;
  for (const auto& a : sim.app_reports()) {
    if (!first) out += ',';
    first = false;
    const auto& r = a.result;
    const auto finished = a.finished ? core::to_ns(*a.finished) : core::to_ns(sim.end_time());
    out += fmt::format(
        "{{\"host\":{},\"kind\":{},\"ok\":{},\"bytes_sent\":{},\"bytes_received\":{},\"verified\":{},"
        "\"started_ns\":{},\"finished_ns\":{},\"error\":{}",
        quoted(a.host), quoted(a.kind), r.ok, r.bytes_sent, r.bytes_received,
        r.verified ? (*r.verified ? "true" : "false") : "null", core::to_ns(a.started), finished,
        r.error ? quoted(*r.error) : "null");
    if (a.running) out += ",\"running\":true";
    if (!r.detail.empty()) out += ",\"detail\":" + quoted(r.detail);
    out += '}';
  }
  out += "],\"hosts\":[";
  first = true;
  for (const auto& h : sim.host_reports()) {
    if (!first) out += ',';
    first = false;
    out += "{\"name\":" + quoted(h.name) + ",\"counters\":{";
    bool first_counter = true;
    for (const auto& [name, value] : h.counters->nonzero()) {
      if (!first_counter) out += ',';
      first_counter = false;
      out += fmt::format("{}:{}", quoted(name), value);
    }
    out += "}}";
  }
  out += "],\"links\":[";
  first = true;
  for (const auto& l : sim.link_reports()) {
    if (!first) out += ',';
    first = false;
    out += fmt::format("{{\"a\":{},\"b\":{},\"frames\":{},\"dropped\":{}}}", quoted(l.a), quoted(l.b),
                       l.frames, l.dropped);
  }
  out += "]}";
  return out;
}

std::string summary_text(const Simulation& sim, const std::string& scenario_name) {
  std::string out = fmt::format("{}: seed {}, {} of virtual time, {} events\n", scenario_name, sim.seed(),
                                seconds(sim.end_time()), sim.events());
  const auto apps = sim.app_reports();
  if (!apps.empty()) {
    out += "\napps\n";
    for (const auto& a : apps) {
      const auto& r = a.result;
      out += fmt::format("  {:<10} {:<16} {:<4} sent {} B, received {} B", a.host, a.kind,
                         r.ok ? "ok" : "FAIL", r.bytes_sent, r.bytes_received);
      if (r.verified) out += *r.verified ? ", verified" : ", NOT verified";
      if (a.running)
        out += fmt::format(" (started {}, still running)", seconds(a.started));
      else if (a.finished)
        out += fmt::format(" (started {}, finished {})", seconds(a.started), seconds(*a.finished));
      out += '\n';
      if (!r.detail.empty()) out += "      " + r.detail + '\n';
      if (r.error) out += "      error: " + *r.error + '\n';
    }
  }
  const auto links = sim.link_reports();
  if (!links.empty()) {
    out += "\nlinks\n";
    for (const auto& l : links) {
      out += fmt::format("  {} <-> {}: {} frames, {} dropped\n", l.a, l.b, l.frames, l.dropped);
      const net::LinkDirStats* dirs[2] = {&l.a_to_b, &l.b_to_a};
      const std::string names[2] = {l.a + " -> " + l.b, l.b + " -> " + l.a};
      for (int d = 0; d < 2; ++d) {
        const auto& s = *dirs[d];
        std::string faults;
        if (s.dropped_queue) faults += fmt::format(", queue drops {}", s.dropped_queue);
        if (s.dropped_mtu) faults += fmt::format(", over MTU {}", s.dropped_mtu);
        if (s.faults.lost) faults += fmt::format(", lost {}", s.faults.lost);
        if (s.faults.duplicated) faults += fmt::format(", duplicated {}", s.faults.duplicated);
        if (s.faults.reordered) faults += fmt::format(", reordered {}", s.faults.reordered);
        if (s.faults.corrupted) faults += fmt::format(", corrupted {}", s.faults.corrupted);
        out += fmt::format("      {}: {} frames, {} bytes, {} delivered{}\n", names[d], s.frames, s.bytes,
                           s.delivered, faults);
      }
    }
  }
  const auto switches = sim.switch_reports();
  if (!switches.empty()) {
    out += "\nswitches\n";
    for (const auto& s : switches)
      out += fmt::format("  {}: received {}, forwarded {}, flooded {}, filtered {}\n", s.name,
                         s.stats.received, s.stats.forwarded, s.stats.flooded, s.stats.filtered);
  }
  out += "\nhosts (counters by layer)\n";
  for (const auto& h : sim.host_reports()) {
    out += "  " + h.name + '\n';
    std::map<std::string, std::string> by_layer;
    std::vector<std::string> order;
    for (const auto& [name, value] : h.counters->nonzero()) {
      const auto layer = name.substr(0, name.find('.'));
      if (!by_layer.contains(layer)) order.push_back(layer);
      auto& line = by_layer[layer];
      if (!line.empty()) line += ", ";
      line += fmt::format("{} {}", name.substr(layer.size() + 1), value);
    }
    for (const auto& layer : order) out += fmt::format("    {:<7} {}\n", layer, by_layer[layer]);
  }
  return out;
}

}  // namespace strata::sim
