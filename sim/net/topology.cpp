// SPDX-License-Identifier: MIT
#include "sim/net/topology.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

namespace strata::sim::net {

// ---- derived MACs and app targets ----

wire::MacAddress derived_mac(const std::string& host, const std::string& iface) {
  // FNV-1a (64-bit) of "host:iface": stable across runs, builds and platforms, unlike std::hash.
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](unsigned char c) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  };
  for (char c : host) mix(static_cast<unsigned char>(c));
  mix(':');
  for (char c : iface) mix(static_cast<unsigned char>(c));
  wire::MacAddress mac;
  mac.octets[0] = 0x02;  // locally administered (bit 1), unicast (bit 0 clear)
  for (int i = 1; i < 6; ++i) mac.octets[i] = static_cast<std::uint8_t>(hash >> (8 * (i - 1)));
  return mac;
}

std::optional<AppTarget> parse_app_target(std::string_view text) {
  auto colon = text.find(':');
  auto addr = wire::Ipv4Address::parse(text.substr(0, colon));
  if (!addr) return std::nullopt;
  if (colon == std::string_view::npos) return AppTarget{*addr, std::nullopt};
  auto digits = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 ||
      port > 65535)
    return std::nullopt;
  return AppTarget{*addr, static_cast<std::uint16_t>(port)};
}

// ---- app kinds ----

namespace {

// What one app kind takes. `to` needs a port for the transport kinds and must not have one for ping.
enum class ToPort { none, required };
struct AppKind {
  std::string_view name;
  std::vector<std::string_view> keys;      // taken, beyond host/kind/at
  std::vector<std::string_view> required;  // a subset of keys
  ToPort to_port = ToPort::none;
};

const std::vector<AppKind>& app_kind_table() {
  static const std::vector<AppKind> kinds = {
      {"ping", {"to", "count", "size", "interval"}, {"to"}, ToPort::none},
      {"udp-echo", {"port"}, {"port"}},
      {"udp-send", {"to", "count", "size", "interval"}, {"to"}, ToPort::required},
      {"tcp-echo", {"port"}, {"port"}},
      {"tcp-echo-client", {"to", "message", "count"}, {"to"}, ToPort::required},
      {"tcp-sink", {"port"}, {"port"}},
      {"tcp-bulk", {"to", "bytes"}, {"to"}, ToPort::required},
      {"http-server", {"port", "root"}, {"port"}},
      {"http-get", {"url", "out"}, {"url"}},
  };
  return kinds;
}

const AppKind* find_kind(std::string_view name) {
  for (const AppKind& kind : app_kind_table())
    if (kind.name == name) return &kind;
  return nullptr;
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (auto w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string number_text(double d) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", d);
  return text;
}

std::string indexed(std::string_view table, std::size_t i) {
  return std::string(table) + "[" + std::to_string(i) + "]";
}

/// "also host[0] (file:3)" style back-reference to the first of two clashing entries.
std::string first_seen(const std::string& key, const std::string& where) {
  return where.empty() ? key : key + " at " + where;
}

// Collects the first error; each check returns early once one is found.
class Checker {
 public:
  explicit Checker(const Topology& t) : t_(t) {}

  std::optional<TopologyError> run() {
    if (check_counts() || check_sim()) return error_;
    for (std::size_t h = 0; h < t_.hosts.size(); ++h)
      if (check_host(h)) return error_;
    for (std::size_t s = 0; s < t_.switches.size(); ++s)
      if (check_switch(s)) return error_;
    for (std::size_t l = 0; l < t_.links.size(); ++l)
      if (check_link(l)) return error_;
    for (std::size_t a = 0; a < t_.apps.size(); ++a)
      if (check_app(a)) return error_;
    return std::nullopt;
  }

 private:
  enum class NodeKind { host, sw };
  struct Node {
    NodeKind kind;
    std::size_t index;
    std::string key, where;
  };
  struct Seen {
    std::string key, where, owner;  // owner: "host:iface"
  };

  bool fail(std::string where, std::string key, std::string message) {
    error_ = TopologyError{std::move(where), std::move(key), std::move(message)};
    return true;
  }

  bool check_counts() {
    auto too_many = [&](std::string_view table, std::size_t n, std::size_t cap) {
      return fail("", std::string(table),
                  "too many entries (" + std::to_string(n) + "); at most " + std::to_string(cap));
    };
    if (t_.hosts.size() > kMaxEntries) return too_many("host", t_.hosts.size(), kMaxEntries);
    if (t_.switches.size() > kMaxEntries) return too_many("switch", t_.switches.size(), kMaxEntries);
    if (t_.links.size() > kMaxEntries) return too_many("link", t_.links.size(), kMaxEntries);
    if (t_.apps.size() > kMaxEntries) return too_many("app", t_.apps.size(), kMaxEntries);
    for (std::size_t h = 0; h < t_.hosts.size(); ++h) {
      const HostSpec& host = t_.hosts[h];
      if (host.ifaces.size() > kMaxIfacesPerHost)
        return too_many(indexed("host", h) + ".iface", host.ifaces.size(), kMaxIfacesPerHost);
      if (host.routes.size() > kMaxEntries)
        return too_many(indexed("host", h) + ".route", host.routes.size(), kMaxEntries);
    }
    return false;
  }

  bool check_sim() {
    if (t_.until && t_.until->count() <= 0) return fail("", "sim.until", "expected a time above 0");
    if (t_.until) return check_time("", *t_.until, "sim.until");
    return false;
  }

  bool check_time(const std::string& where, core::Duration d, const std::string& key) {
    if (d > kMaxTime) return fail(where, key, "too large: at most " + std::string(kMaxTimeText));
    return false;
  }

  bool check_name(const std::string& name, const std::string& where, const std::string& key, NodeKind kind,
                  std::size_t index) {
    std::string_view what = kind == NodeKind::host ? "a host" : "a switch";
    if (name.empty()) return fail(where, key, std::string(what) + " needs a name");
    if (name.find(':') != std::string::npos)
      return fail(where, key, "name " + quoted(name) + " must not contain ':' (links write \"host:iface\")");
    auto [it, added] = nodes_.try_emplace(name, Node{kind, index, key.substr(0, key.rfind('.')), where});
    if (!added)
      return fail(
          where, key,
          "duplicate name " + quoted(name) + " (also " + first_seen(it->second.key, it->second.where) + ")");
    return false;
  }

  bool check_host(std::size_t h) {
    const HostSpec& host = t_.hosts[h];
    const std::string base = indexed("host", h);
    if (check_name(host.name, host.where, base + ".name", NodeKind::host, h)) return true;
    std::map<std::string, std::size_t> iface_names;
    for (std::size_t i = 0; i < host.ifaces.size(); ++i) {
      const IfaceSpec& iface = host.ifaces[i];
      const std::string key = base + "." + indexed("iface", i);
      const std::string owner = host.name + ":" + iface.name;
      if (iface.name.empty()) return fail(iface.where, key + ".name", "an interface needs a name");
      if (iface.name.find(':') != std::string::npos)
        return fail(iface.where, key + ".name",
                    "interface name " + quoted(iface.name) + " must not contain ':'");
      if (auto [it, added] = iface_names.try_emplace(iface.name, i); !added)
        return fail(iface.where, key + ".name",
                    "duplicate interface " + quoted(iface.name) + " on host " + quoted(host.name));
      if (check_iface_addr(iface, key, owner) || check_mac(iface, key, owner)) return true;
      if (iface.mtu < kMinMtu || iface.mtu > kMaxMtu)
        return fail(iface.where, key + ".mtu",
                    "expected an MTU from 68 to 9000, got " + std::to_string(iface.mtu));
    }
    for (std::size_t r = 0; r < host.routes.size(); ++r)
      if (check_route(host, r, base + "." + indexed("route", r))) return true;
    return false;
  }

  bool check_iface_addr(const IfaceSpec& iface, const std::string& key, const std::string& owner) {
    const wire::Ipv4Cidr& cidr = iface.addr;
    const wire::Ipv4Address a = cidr.address;
    const std::string text = cidr.to_string();
    if (cidr.prefix == 0)
      return fail(iface.where, key + ".addr", text + " has no subnet; expected a prefix 1..32");
    if (a.is_any() || a.is_broadcast() || a.is_multicast() || a.is_loopback() || (a.value >> 24) == 0)
      return fail(iface.where, key + ".addr", a.to_string() + " cannot be an interface address");
    // /31 (RFC 3021) and /32 have no network or broadcast address to avoid.
    if (cidr.prefix <= 30 && a == cidr.network())
      return fail(iface.where, key + ".addr", text + " is the subnet's network address, not a host address");
    if (cidr.prefix <= 30 && a == cidr.broadcast())
      return fail(iface.where, key + ".addr",
                  text + " is the subnet's broadcast address, not a host address");
    auto [it, added] = addrs_.try_emplace(a.value, Seen{key, iface.where, owner});
    if (!added)
      return fail(iface.where, key + ".addr",
                  "duplicate address " + a.to_string() + " (also " + it->second.owner + ", " +
                      first_seen(it->second.key, it->second.where) + ")");
    return false;
  }

  bool check_mac(const IfaceSpec& iface, const std::string& key, const std::string& owner) {
    if (iface.mac.is_zero())
      return fail(iface.where, key + ".mac", "MAC 00:00:00:00:00:00 is not a usable address");
    if (iface.mac.is_multicast())
      return fail(iface.where, key + ".mac",
                  "MAC " + iface.mac.to_string() +
                      " is multicast; an interface needs a unicast MAC (even first octet)");
    std::uint64_t packed = 0;
    for (auto octet : iface.mac.octets) packed = packed << 8 | octet;
    auto [it, added] = macs_.try_emplace(packed, Seen{key, iface.where, owner});
    if (!added)
      return fail(iface.where, key + ".mac",
                  "duplicate MAC " + iface.mac.to_string() + " (also " + it->second.owner + ", " +
                      first_seen(it->second.key, it->second.where) + ")");
    return false;
  }

  bool check_route(const HostSpec& host, std::size_t r, const std::string& key) {
    const RouteSpec& route = host.routes[r];
    if (route.dest.address != route.dest.network()) {
      wire::Ipv4Cidr network{route.dest.network(), route.dest.prefix};
      return fail(route.where, key + ".dest",
                  route.dest.to_string() + " has host bits set (did you mean " + network.to_string() + "?)");
    }
    if (route.via.is_any()) return false;  // on-link
    std::string subnets;
    for (const IfaceSpec& iface : host.ifaces) {
      if (iface.addr.prefix > 0 && iface.addr.contains(route.via)) {
        if (iface.addr.address == route.via)
          return fail(
              route.where, key + ".via",
              "gateway " + route.via.to_string() + " is host " + quoted(host.name) + "'s own address");
        return false;
      }
      if (!subnets.empty()) subnets += ", ";
      subnets += iface.addr.to_string();
    }
    return fail(route.where, key + ".via",
                "gateway " + route.via.to_string() + " is not in any subnet of host " + quoted(host.name) +
                    " (" + (subnets.empty() ? std::string("it has no interfaces") : subnets) + ")");
  }

  bool check_switch(std::size_t s) {
    const SwitchSpec& sw = t_.switches[s];
    const std::string base = indexed("switch", s);
    if (check_name(sw.name, sw.where, base + ".name", NodeKind::sw, s)) return true;
    if (sw.aging.count() <= 0) return fail(sw.where, base + ".aging", "expected a time above 0");
    return check_time(sw.where, sw.aging, base + ".aging");
  }

  bool check_end(const LinkSpec& link, const LinkEndSpec& end, const std::string& key, std::size_t l) {
    auto it = nodes_.find(end.node);
    if (end.node.empty()) return fail(link.where, key, "expected \"host:iface\" or a switch name");
    if (it == nodes_.end()) return fail(link.where, key, "unknown host or switch " + quoted(end.node));
    const Node& node = it->second;
    if (node.kind == NodeKind::sw) {
      if (!end.iface.empty())
        return fail(link.where, key,
                    quoted(end.node) + " is a switch; write " + quoted(end.node) + " without an interface");
      return false;
    }
    const HostSpec& host = t_.hosts[node.index];
    std::vector<std::string_view> names;
    for (const IfaceSpec& iface : host.ifaces) names.push_back(iface.name);
    const std::string listed = names.empty() ? "it has none" : "it has " + joined(names);
    if (end.iface.empty())
      return fail(
          link.where, key,
          quoted(end.node) + " is a host; name its interface as \"" + end.node + ":IFACE\" (" + listed + ")");
    if (std::find(names.begin(), names.end(), end.iface) == names.end())
      return fail(
          link.where, key,
          "host " + quoted(end.node) + " has no interface " + quoted(end.iface) + " (" + listed + ")");
    auto [seen, added] = linked_ifaces_.try_emplace(end.text(), indexed("link", l));
    if (!added)
      return fail(link.where, key,
                  "interface " + end.text() + " is already on " + seen->second +
                      "; an interface takes one link (use a switch to join more)");
    return false;
  }

  bool check_probability(const LinkSpec& link, double p, const std::string& key) {
    if (!(p >= 0.0 && p <= 1.0))  // also refuses NaN
      return fail(link.where, key, "expected a probability from 0 to 1, got " + number_text(p));
    return false;
  }

  bool check_link(std::size_t l) {
    const LinkSpec& link = t_.links[l];
    const std::string base = indexed("link", l);
    if (check_end(link, link.a, base + ".a", l)) return true;
    if (link.a.node == link.b.node)
      return fail(link.where, base + ".b", "a link from " + quoted(link.a.node) + " to itself");
    if (check_end(link, link.b, base + ".b", l)) return true;
    if (link.delay.count() < 0) return fail(link.where, base + ".delay", "a delay cannot be negative");
    if (check_time(link.where, link.delay, base + ".delay")) return true;
    if (link.queue < 1 || link.queue > kMaxQueue)
      return fail(link.where, base + ".queue",
                  "expected a queue of 1 to 1000000 frames, got " + std::to_string(link.queue));
    return check_probability(link, link.faults.loss, base + ".loss") ||
           check_probability(link, link.faults.reorder, base + ".reorder") ||
           check_probability(link, link.faults.duplicate, base + ".duplicate") ||
           check_probability(link, link.faults.corrupt, base + ".corrupt");
  }

  bool check_app(std::size_t a) {
    const AppSpec& app = t_.apps[a];
    const std::string base = indexed("app", a);
    auto node = nodes_.find(app.host);
    if (node == nodes_.end()) return fail(app.where, base + ".host", "unknown host " + quoted(app.host));
    if (node->second.kind == NodeKind::sw)
      return fail(app.where, base + ".host", quoted(app.host) + " is a switch; apps run on hosts");
    const AppKind* kind = find_kind(app.kind);
    if (!kind)
      return fail(app.where, base + ".kind",
                  "unknown app kind " + quoted(app.kind) + " (kinds: " + joined(app_kinds()) + ")");
    if (app.at.count() < 0) return fail(app.where, base + ".at", "a start time cannot be negative");
    if (check_time(app.where, app.at, base + ".at")) return true;

    // Which keys are set, in the design's order, so the first one a kind does not take is named.
    const std::pair<std::string_view, bool> given[] = {
        {"to", app.to_addr.has_value()},      {"port", app.port.has_value()},
        {"count", app.count.has_value()},     {"size", app.size.has_value()},
        {"bytes", app.bytes.has_value()},     {"interval", app.interval.has_value()},
        {"message", app.message.has_value()}, {"url", app.url.has_value()},
        {"out", app.out.has_value()},         {"root", app.root.has_value()},
    };
    auto takes = [&](std::string_view key) {
      return std::find(kind->keys.begin(), kind->keys.end(), key) != kind->keys.end();
    };
    for (auto [key, set] : given)
      if (set && !takes(key))
        return fail(app.where, base + "." + std::string(key),
                    "kind " + quoted(app.kind) + " takes no " + quoted(key) + " (it takes " +
                        joined(kind->keys) + ")");
    for (auto key : kind->required) {
      auto entry = std::find_if(std::begin(given), std::end(given), [&](auto& g) { return g.first == key; });
      if (!entry->second)
        return fail(app.where, base + "." + std::string(key),
                    "kind " + quoted(app.kind) + " needs " + quoted(key) + example_for(*kind, key));
    }
    if (app.to_addr) {
      if (kind->to_port == ToPort::required && !app.to_port)
        return fail(app.where, base + ".to",
                    "kind " + quoted(app.kind) + " needs an address with a port, like \"" +
                        app.to_addr->to_string() + ":5001\"");
      if (kind->to_port == ToPort::none && app.to_port)
        return fail(app.where, base + ".to",
                    "kind " + quoted(app.kind) + " takes an address without a port, like \"" +
                        app.to_addr->to_string() + "\"");
      if (app.to_port && *app.to_port == 0)
        return fail(app.where, base + ".to", "expected a port from 1 to 65535");
    }
    if (app.port && *app.port == 0) return fail(app.where, base + ".port", "expected a port from 1 to 65535");
    if (app.count && *app.count == 0)
      return fail(app.where, base + ".count", "expected a count of at least 1");
    if (app.size && *app.size > kMaxUdpPayload)
      return fail(app.where, base + ".size",
                  "expected at most 65507 bytes (the largest payload of one IPv4 datagram), got " +
                      std::to_string(*app.size));
    if (app.interval && app.interval->count() < 0)
      return fail(app.where, base + ".interval", "an interval cannot be negative");
    if (app.interval && check_time(app.where, *app.interval, base + ".interval")) return true;
    if (app.url && app.url->rfind("http://", 0) != 0)
      return fail(app.where, base + ".url",
                  "expected a URL like \"http://10.0.0.2/index.html\", got " + quoted(*app.url));
    return false;
  }

  static std::string example_for(const AppKind& kind, std::string_view key) {
    if (key == "to")
      return kind.to_port == ToPort::required ? " (like \"10.0.0.2:5001\")" : " (like \"10.0.0.2\")";
    if (key == "port") return " (like 5001)";
    if (key == "url") return " (like \"http://10.0.0.2/\")";
    return "";
  }

  const Topology& t_;
  std::optional<TopologyError> error_;
  std::map<std::string, Node, std::less<>> nodes_;
  std::map<std::uint32_t, Seen> addrs_;
  std::map<std::uint64_t, Seen> macs_;
  std::map<std::string, std::string> linked_ifaces_;  // "host:iface" -> "link[i]"
};

}  // namespace

std::vector<std::string_view> app_kinds() {
  std::vector<std::string_view> names;
  for (const AppKind& kind : app_kind_table()) names.push_back(kind.name);
  return names;
}

std::vector<std::string_view> app_keys(std::string_view kind) {
  const AppKind* found = find_kind(kind);
  return found ? found->keys : std::vector<std::string_view>{};
}

std::string TopologyError::text() const {
  std::string out = where.empty() ? std::string() : where + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

std::optional<TopologyError> validate(const Topology& topology) {
  return Checker(topology).run();
}

// ---- TopologyBuilder ----

namespace {

[[noreturn]] void bad_text(std::string_view what, std::string_view text) {
  throw std::invalid_argument("TopologyBuilder: expected " + std::string(what) + ", got \"" +
                              std::string(text) + "\"");
}

LinkEndSpec parse_end(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return {std::string(text), ""};
  if (colon == 0 || colon + 1 == text.size() || text.find(':', colon + 1) != std::string_view::npos)
    bad_text("\"host:iface\" or a switch name", text);
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

}  // namespace

HostSpec& HostBuilder::spec() {
  return builder_->topology_.hosts.at(index_);
}

HostBuilder& HostBuilder::forward(bool on) {
  spec().forward = on;
  return *this;
}

HostBuilder& HostBuilder::iface(const std::string& name, std::string_view cidr) {
  auto addr = wire::Ipv4Cidr::parse(cidr);
  if (!addr || cidr.find('/') == std::string_view::npos) bad_text("an address like \"10.0.0.1/24\"", cidr);
  HostSpec& host = spec();
  IfaceSpec iface;
  iface.name = name;
  iface.addr = *addr;
  iface.mac = derived_mac(host.name, name);
  host.ifaces.push_back(std::move(iface));
  return *this;
}

HostBuilder& HostBuilder::mac(std::string_view mac) {
  auto parsed = wire::MacAddress::parse(mac);
  if (!parsed) bad_text("a MAC like \"02:00:00:00:00:01\"", mac);
  if (spec().ifaces.empty()) throw std::invalid_argument("TopologyBuilder: mac() before any iface()");
  spec().ifaces.back().mac = *parsed;
  return *this;
}

HostBuilder& HostBuilder::mtu(std::uint16_t mtu) {
  if (spec().ifaces.empty()) throw std::invalid_argument("TopologyBuilder: mtu() before any iface()");
  spec().ifaces.back().mtu = mtu;
  return *this;
}

HostBuilder& HostBuilder::route(std::string_view dest_cidr, std::string_view via) {
  RouteSpec route;
  auto dest = wire::Ipv4Cidr::parse(dest_cidr);
  if (!dest) bad_text("a destination like \"10.0.1.0/24\"", dest_cidr);
  route.dest = *dest;
  if (!via.empty()) {
    auto gateway = wire::Ipv4Address::parse(via);
    if (!gateway) bad_text("a gateway address like \"10.0.0.254\"", via);
    route.via = *gateway;
  }
  spec().routes.push_back(std::move(route));
  return *this;
}

SwitchBuilder& SwitchBuilder::aging(core::Duration aging) {
  builder_->topology_.switches.at(index_).aging = aging;
  return *this;
}

LinkSpec& LinkBuilder::spec() {
  return builder_->topology_.links.at(index_);
}

LinkBuilder& LinkBuilder::rate_bps(std::uint64_t bits_per_second) {
  spec().rate_bps = bits_per_second;
  return *this;
}
LinkBuilder& LinkBuilder::delay(core::Duration one_way) {
  spec().delay = one_way;
  return *this;
}
LinkBuilder& LinkBuilder::queue(std::size_t frames) {
  spec().queue = frames;
  return *this;
}
LinkBuilder& LinkBuilder::loss(double p) {
  spec().faults.loss = p;
  return *this;
}
LinkBuilder& LinkBuilder::reorder(double p) {
  spec().faults.reorder = p;
  return *this;
}
LinkBuilder& LinkBuilder::duplicate(double p) {
  spec().faults.duplicate = p;
  return *this;
}
LinkBuilder& LinkBuilder::corrupt(double p) {
  spec().faults.corrupt = p;
  return *this;
}

AppSpec& AppBuilder::spec() {
  return builder_->topology_.apps.at(index_);
}

AppBuilder& AppBuilder::at(core::Duration start) {
  spec().at = start;
  return *this;
}
AppBuilder& AppBuilder::to(std::string_view target) {
  auto parsed = parse_app_target(target);
  if (!parsed) bad_text("\"A.B.C.D\" or \"A.B.C.D:PORT\"", target);
  spec().to_addr = parsed->addr;
  spec().to_port = parsed->port;
  return *this;
}
AppBuilder& AppBuilder::port(std::uint16_t port) {
  spec().port = port;
  return *this;
}
AppBuilder& AppBuilder::count(std::uint64_t count) {
  spec().count = count;
  return *this;
}
AppBuilder& AppBuilder::size(std::uint64_t bytes) {
  spec().size = bytes;
  return *this;
}
AppBuilder& AppBuilder::bytes(std::uint64_t bytes) {
  spec().bytes = bytes;
  return *this;
}
AppBuilder& AppBuilder::interval(core::Duration interval) {
  spec().interval = interval;
  return *this;
}
AppBuilder& AppBuilder::message(std::string text) {
  spec().message = std::move(text);
  return *this;
}
AppBuilder& AppBuilder::url(std::string url) {
  spec().url = std::move(url);
  return *this;
}
AppBuilder& AppBuilder::out(std::string path) {
  spec().out = std::move(path);
  return *this;
}
AppBuilder& AppBuilder::root(std::string path) {
  spec().root = std::move(path);
  return *this;
}

TopologyBuilder& TopologyBuilder::seed(std::uint64_t seed) {
  topology_.seed = seed;
  return *this;
}

TopologyBuilder& TopologyBuilder::until(core::Duration until) {
  topology_.until = until;
  return *this;
}

HostBuilder TopologyBuilder::host(std::string name) {
  HostSpec host;
  host.name = std::move(name);
  topology_.hosts.push_back(std::move(host));
  return HostBuilder(*this, topology_.hosts.size() - 1);
}

HostBuilder TopologyBuilder::router(std::string name) {
  return host(std::move(name)).forward(true);
}

SwitchBuilder TopologyBuilder::sw(std::string name) {
  SwitchSpec sw;
  sw.name = std::move(name);
  topology_.switches.push_back(std::move(sw));
  return SwitchBuilder(*this, topology_.switches.size() - 1);
}

LinkBuilder TopologyBuilder::link(std::string_view a, std::string_view b) {
  LinkSpec link;
  link.a = parse_end(a);
  link.b = parse_end(b);
  topology_.links.push_back(std::move(link));
  return LinkBuilder(*this, topology_.links.size() - 1);
}

AppBuilder TopologyBuilder::app(std::string host, std::string kind) {
  AppSpec app;
  app.host = std::move(host);
  app.kind = std::move(kind);
  topology_.apps.push_back(std::move(app));
  return AppBuilder(*this, topology_.apps.size() - 1);
}

Topology TopologyBuilder::build() const {
  if (auto error = validate(topology_)) throw std::invalid_argument(error->text());
  return topology_;
}

}  // namespace strata::sim::net
