// SPDX-License-Identifier: MIT
#include "sim/step/breakpoints.hpp"

#include <algorithm>
#include <charconv>

#include "sim/scenario/units.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/tcp.hpp"

namespace strata::sim::step {

namespace {

using core::Bytes;

constexpr Proto kProtos[] = {Proto::Arp, Proto::Ipv4, Proto::Icmp, Proto::Udp, Proto::Tcp};
constexpr core::Layer kLayers[] = {core::Layer::Nic,  core::Layer::Link,  core::Layer::Arp,
                                   core::Layer::Ipv4, core::Layer::Icmp,  core::Layer::Udp,
                                   core::Layer::Tcp,  core::Layer::Socket};
constexpr core::TraceKind kKinds[] = {core::TraceKind::Deliver,     core::TraceKind::Send,
                                      core::TraceKind::Drop,        core::TraceKind::Queue,
                                      core::TraceKind::Dequeue,     core::TraceKind::Timer,
                                      core::TraceKind::StateChange, core::TraceKind::SocketCall};

struct FlagName {
  std::string_view name;
  std::uint16_t bit;
};
constexpr FlagName kFlags[] = {{"FIN", wire::tcp_flag::kFin}, {"SYN", wire::tcp_flag::kSyn},
                               {"RST", wire::tcp_flag::kRst}, {"PSH", wire::tcp_flag::kPsh},
                               {"ACK", wire::tcp_flag::kAck}, {"URG", wire::tcp_flag::kUrg},
                               {"ECE", wire::tcp_flag::kEce}, {"CWR", wire::tcp_flag::kCwr}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

template <class T, std::size_t N, class NameOf>
std::string one_of(const T (&values)[N], NameOf name_of) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += name_of(values[i]);
  }
  return out;
}

void transport_facts(std::uint8_t proto, Bytes b, PacketFacts& f) {
  if (proto == wire::ip_proto::kIcmp) {
    f.icmp = true;
  } else if (proto == wire::ip_proto::kUdp) {
    f.udp = true;
    if (b.size() >= 4) f.src_port = core::load_be16(b, 0), f.dst_port = core::load_be16(b, 2);
  } else if (proto == wire::ip_proto::kTcp) {
    f.tcp = true;
    if (b.size() >= 4) f.src_port = core::load_be16(b, 0), f.dst_port = core::load_be16(b, 2);
    if (b.size() >= 14) f.tcp_flags = core::load_be16(b, 12) & 0x0fff;
  }
}

void ipv4_facts(Bytes b, PacketFacts& f) {
  if (b.size() < wire::kIpv4MinHeaderLen || (core::load_u8(b, 0) >> 4) != 4) return;
  f.ipv4 = true;
  const std::size_t ihl = (core::load_u8(b, 0) & 0xfu) * 4u;
  if (ihl < wire::kIpv4MinHeaderLen || ihl > b.size()) return;
  if ((core::load_be16(b, 6) & 0x1fff) != 0) return;  // a later fragment carries no transport header
  transport_facts(core::load_u8(b, 9), b.subspan(ihl), f);
}

}  // namespace

std::string_view name(Proto p) {
  constexpr std::string_view names[] = {"arp", "ipv4", "icmp", "udp", "tcp"};
  return names[static_cast<int>(p)];
}

PacketFacts PacketFacts::of(const RecordedEvent& e, Bytes b) {
  PacketFacts f;
  switch (first_header(e, b)) {
    case wire::FirstHeader::Ethernet: {
      if (b.size() < wire::kEthernetHeaderLen) break;
      std::size_t off = 12;
      std::uint16_t type = core::load_be16(b, off);
      for (std::size_t tags = 0; wire::ether_type::is_tag(type) && tags < wire::kMaxVlanTags; ++tags) {
        if (b.size() < off + 2 + wire::kVlanTagLen) return f;
        off += wire::kVlanTagLen;
        type = core::load_be16(b, off);
      }
      if (type == wire::ether_type::kArp)
        f.arp = true;
      else if (type == wire::ether_type::kIpv4)
        ipv4_facts(b.subspan(off + 2), f);
      break;
    }
    case wire::FirstHeader::Arp:
      f.arp = true;
      break;
    case wire::FirstHeader::Ipv4:
      ipv4_facts(b, f);
      break;
    case wire::FirstHeader::Icmp:
      transport_facts(wire::ip_proto::kIcmp, b, f);
      break;
    case wire::FirstHeader::Udp:
      transport_facts(wire::ip_proto::kUdp, b, f);
      break;
    case wire::FirstHeader::Tcp:
      transport_facts(wire::ip_proto::kTcp, b, f);
      break;
    case wire::FirstHeader::Payload:
      break;
  }
  return f;
}

bool PacketFacts::has(Proto p) const {
  switch (p) {
    case Proto::Arp:
      return arp;
    case Proto::Ipv4:
      return ipv4;
    case Proto::Icmp:
      return icmp;
    case Proto::Udp:
      return udp;
    case Proto::Tcp:
      return tcp;
  }
  return false;
}

core::Result<BreakCondition, std::string> BreakCondition::parse(std::string_view args) {
  using R = core::Result<BreakCondition, std::string>;
  auto fail = [](std::string message) { return R(core::fail(std::move(message))); };
  BreakCondition c;
  std::size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ' ' || args[i] == '\t')) ++i;
    if (i == args.size()) break;
    std::size_t end = i;
    while (end < args.size() && args[end] != ' ' && args[end] != '\t') ++end;
    const std::string_view word = args.substr(i, end - i);
    i = end;
    const auto eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == word.size())
      return fail("break: \"" + std::string(word) +
                  "\": expected key=value with key host, layer, proto, port, flags, time, dir or kind");
    const std::string key = lower(word.substr(0, eq));
    const std::string_view value = word.substr(eq + 1);
    const std::string value_lower = lower(value);
    if (key == "host") {
      c.host = std::string(value);
    } else if (key == "layer") {
      const std::string v = value_lower == "ethernet" || value_lower == "eth" ? "link" : value_lower;
      auto it = std::find_if(std::begin(kLayers), std::end(kLayers),
                             [&](core::Layer l) { return core::name(l) == v; });
      if (it == std::end(kLayers))
        return fail("break: layer=" + std::string(value) + ": expected one of " +
                    one_of(kLayers, [](core::Layer l) { return std::string(core::name(l)); }));
      c.layer = *it;
    } else if (key == "proto") {
      const std::string v = value_lower == "ip" ? "ipv4" : value_lower;
      auto it = std::find_if(std::begin(kProtos), std::end(kProtos), [&](Proto p) { return name(p) == v; });
      if (it == std::end(kProtos))
        return fail("break: proto=" + std::string(value) + ": expected one of " +
                    one_of(kProtos, [](Proto p) { return std::string(name(p)); }));
      c.proto = *it;
    } else if (key == "port") {
      unsigned port = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc{} || p != value.data() + value.size() || port > 65535)
        return fail("break: port=" + std::string(value) + ": expected a port number 0..65535");
      c.port = static_cast<std::uint16_t>(port);
    } else if (key == "flags") {
      std::uint16_t bits = 0;
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string flag = lower(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        auto it = std::find_if(std::begin(kFlags), std::end(kFlags),
                               [&](const FlagName& f) { return lower(f.name) == flag; });
        if (it == std::end(kFlags))
          return fail("break: flags=" + std::string(value) +
                      ": expected TCP flags separated by commas, from " +
                      one_of(kFlags, [](const FlagName& f) { return std::string(f.name); }));
        bits = static_cast<std::uint16_t>(bits | it->bit);
      }
      c.flags = bits;
    } else if (key == "time") {
      auto t = scenario::parse_time(value);
      if (!t) return fail("break: time=" + std::string(value) + ": " + t.error());
      c.time = core::Instant(*t);
    } else if (key == "dir") {
      if (value_lower == "rx")
        c.dir = core::Dir::Rx;
      else if (value_lower == "tx")
        c.dir = core::Dir::Tx;
      else
        return fail("break: dir=" + std::string(value) + ": expected rx or tx");
    } else if (key == "kind") {
      auto it = std::find_if(std::begin(kKinds), std::end(kKinds),
                             [&](core::TraceKind k) { return core::name(k) == value_lower; });
      if (it == std::end(kKinds))
        return fail("break: kind=" + std::string(value) + ": expected one of " +
                    one_of(kKinds, [](core::TraceKind k) { return std::string(core::name(k)); }));
      c.kind = *it;
    } else {
      return fail("break: unknown key \"" + std::string(word.substr(0, eq)) +
                  "\": expected host, layer, proto, port, flags, time, dir or kind");
    }
  }
  return c;
}

bool BreakCondition::matches(const RecordedEvent& e, const PacketFacts& f, std::string_view host_name) const {
  if (host && *host != host_name) return false;
  if (layer && *layer != e.layer) return false;
  if (dir && *dir != e.dir) return false;
  if (kind && *kind != e.kind) return false;
  if (time && e.time < *time) return false;
  if (proto && !f.has(*proto)) return false;
  if (port) {
    const bool call_port = e.has_call && e.call.port == *port;
    if (!call_port && f.src_port != *port && f.dst_port != *port) return false;
  }
  if (flags && (!f.tcp_flags || (*f.tcp_flags & *flags) != *flags)) return false;
  return true;
}

std::string BreakCondition::text() const {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (host) add("host=" + *host);
  if (layer) add("layer=" + std::string(core::name(*layer)));
  if (dir) add("dir=" + std::string(core::name(*dir)));
  if (kind) add("kind=" + std::string(core::name(*kind)));
  if (proto) add("proto=" + std::string(name(*proto)));
  if (port) add("port=" + std::to_string(*port));
  if (flags) {
    std::string names;
    for (const auto& f : kFlags)
      if (*flags & f.bit) {
        if (!names.empty()) names += ',';
        names += f.name;
      }
    add("flags=" + names);
  }
  if (time) add("time=" + scenario::format_time(time->time_since_epoch()));
  return out.empty() ? "(any boundary)" : out;
}

core::Result<int, std::string> Breakpoints::add(std::string_view args) {
  auto c = BreakCondition::parse(args);
  if (!c) return core::fail(c.error());
  Breakpoint b;
  b.number = next_number_++;
  b.condition = std::move(c).value();
  list_.push_back(std::move(b));
  return list_.back().number;
}

bool Breakpoints::remove(int number) {
  auto it = std::find_if(list_.begin(), list_.end(), [&](const Breakpoint& b) { return b.number == number; });
  if (it == list_.end()) return false;
  list_.erase(it);
  return true;
}

const Breakpoint* Breakpoints::match(const RecordedEvent& e, Bytes bytes, std::string_view host_name) {
  if (list_.empty()) return nullptr;
  const PacketFacts facts = PacketFacts::of(e, bytes);
  for (auto& b : list_) {
    if (b.spent || !b.condition.matches(e, facts, host_name)) continue;
    ++b.hits;
    if (b.condition.time) b.spent = true;
    return &b;
  }
  return nullptr;
}

}  // namespace strata::sim::step
