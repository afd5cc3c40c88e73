// SPDX-License-Identifier: MIT
#include "sim/scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

#include "sim/scenario/units.hpp"

namespace strata::sim::scenario {
namespace {

// why 8 MiB: the largest network the caps allow (10,000 hosts, links and apps) is a few MiB of TOML, while
// toml++ takes some 40 bytes of memory per byte of a file of tiny values (8 MiB: ~300 MB, 2 s).
constexpr std::size_t kMaxFileBytes = std::size_t{8} << 20;

std::string too_large() {
  return "larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB; not a scenario file";
}

/// Thrown inside the loader only, caught at its entry points: each reader stops at the first error.
struct LoadFailure {
  ScenarioError error;
};

/// A value as it goes into "got ...": strings quoted and cut, other values by type.
std::string describe(const toml::node& node) {
  constexpr std::size_t kShown = 40;
  switch (node.type()) {
    case toml::node_type::string: {
      std::string_view s = node.as_string()->get();
      std::string out = "\"";
      for (std::size_t i = 0; i < s.size() && i < kShown; ++i)
        out += static_cast<unsigned char>(s[i]) < 0x20 ? '?' : s[i];
      return out + (s.size() > kShown ? "...\"" : "\"");
    }
    case toml::node_type::integer:
      return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      double d = node.as_floating_point()->get();
      char text[32];
      std::snprintf(text, sizeof text, "%g", d);
      return std::string("float ") + text;
    }
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time of day";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string out;
  for (auto w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

/// "; did you mean "name"?" when one allowed key is a typo away.
std::string suggestion(std::string_view key, const std::vector<std::string_view>& allowed) {
  if (key.size() > 64) return "";  // keeps the distance cheap on absurd keys
  std::string_view best;
  std::size_t best_distance = 3;
  for (auto candidate : allowed) {
    std::size_t d = edit_distance(key, candidate);
    if (d < best_distance && d < candidate.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best.empty() ? "" : "; did you mean \"" + std::string(best) + "\"?";
}

class Loader;

/// One TOML table being read: knows its path ("host[0].iface[1]") and what it is called ("[[host.iface]]").
class Fields {
 public:
  Fields(const Loader& loader, const toml::table& table, std::string path, std::string title)
      : loader_(loader), table_(table), path_(std::move(path)), title_(std::move(title)) {}

  /// Fails on the first key not in `allowed`.
  void allow(const std::vector<std::string_view>& allowed) const;
  std::string where() const;
  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[noreturn]] void fail_at(const toml::node& node, std::string_view key, std::string message) const;
  [[noreturn]] void fail_missing(std::string_view key, std::string_view what) const;

  const toml::node* find(std::string_view key) const { return table_.get(key); }
  const toml::table& table() const { return table_; }

  std::optional<std::string> text(std::string_view key, std::string_view expected) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_string())
      fail_at(*node, key, "expected " + std::string(expected) + ", got " + describe(*node));
    return std::string(node->as_string()->get());
  }
  std::string required_text(std::string_view key, std::string_view expected) const {
    auto value = text(key, expected);
    if (!value) fail_missing(key, expected);
    return *value;
  }
  /// An integer in [low, high]; `expected` says the range in words.
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t low, std::int64_t high,
                                      std::string_view expected) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_integer() || node->as_integer()->get() < low || node->as_integer()->get() > high)
      fail_at(*node, key, "expected " + std::string(expected) + ", got " + describe(*node));
    return node->as_integer()->get();
  }
  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) fail_at(*node, key, "expected true or false, got " + describe(*node));
    return node->as_boolean()->get();
  }
  std::optional<double> probability(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    double p = std::numeric_limits<double>::quiet_NaN();
    if (node->is_floating_point()) p = node->as_floating_point()->get();
    if (node->is_integer()) p = static_cast<double>(node->as_integer()->get());
    if (!(p >= 0.0 && p <= 1.0))  // NaN and every non-number land here too
      fail_at(*node, key, "expected a probability from 0 to 1 (a number like 0.01), got " + describe(*node));
    return p;
  }
  std::optional<core::Duration> time(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_string())
      fail_at(*node, key,
              "expected a time like \"10ms\" or \"1.5s\" (a string with a unit), got " + describe(*node));
    auto parsed = parse_time(node->as_string()->get());
    if (!parsed) fail_at(*node, key, parsed.error());
    return *parsed;
  }
  std::optional<std::uint64_t> rate(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (!node->is_string())
      fail_at(*node, key, "expected a rate like \"100Mbps\" (a string with a unit), got " + describe(*node));
    auto parsed = parse_rate(node->as_string()->get());
    if (!parsed) fail_at(*node, key, parsed.error());
    return *parsed;
  }
  /// A size: "10MB", "64KiB" or a plain integer of bytes.
  std::optional<std::uint64_t> size(std::string_view key) const {
    const toml::node* node = find(key);
    if (!node) return std::nullopt;
    if (node->is_integer() && node->as_integer()->get() >= 0)
      return static_cast<std::uint64_t>(node->as_integer()->get());
    if (!node->is_string())
      fail_at(*node, key,
              "expected a size like \"10MB\", \"64KiB\" or a number of bytes, got " + describe(*node));
    auto parsed = parse_size(node->as_string()->get());
    if (!parsed) fail_at(*node, key, parsed.error());
    return *parsed;
  }

  /// An array of tables ("[[host.iface]]"), each checked to be a table; empty when the key is absent.
  std::vector<const toml::table*> tables(std::string_view key, std::size_t cap) const;

 private:
  const Loader& loader_;
  const toml::table& table_;
  std::string path_;
  std::string title_;
};

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  net::Topology load(const toml::table& root) const {
    Fields top(*this, root, "", "the top level");
    top.allow({"sim", "host", "switch", "link", "app"});
    net::Topology topology;
    if (const toml::node* sim = root.get("sim")) {
      if (!sim->is_table()) top.fail_at(*sim, "sim", "expected a table written [sim], got " + describe(*sim));
      read_sim(Fields(*this, *sim->as_table(), "sim", "[sim]"), topology);
    }
    auto hosts = top.tables("host", net::kMaxEntries);
    for (std::size_t i = 0; i < hosts.size(); ++i)
      topology.hosts.push_back(read_host(Fields(*this, *hosts[i], indexed("host", i), "[[host]]")));
    auto switches = top.tables("switch", net::kMaxEntries);
    for (std::size_t i = 0; i < switches.size(); ++i)
      topology.switches.push_back(
          read_switch(Fields(*this, *switches[i], indexed("switch", i), "[[switch]]")));
    auto links = top.tables("link", net::kMaxEntries);
    for (std::size_t i = 0; i < links.size(); ++i)
      topology.links.push_back(read_link(Fields(*this, *links[i], indexed("link", i), "[[link]]")));
    auto apps = top.tables("app", net::kMaxEntries);
    for (std::size_t i = 0; i < apps.size(); ++i)
      topology.apps.push_back(read_app(Fields(*this, *apps[i], indexed("app", i), "[[app]]")));

    if (auto error = net::validate(topology)) throw LoadFailure{locate(root, *error)};
    return topology;
  }

  const std::string& file() const { return file_; }

  ScenarioError error_at(const toml::source_region& at, std::string key, std::string message) const {
    return ScenarioError{file_, static_cast<int>(at.begin.line), static_cast<int>(at.begin.column),
                         std::move(key), std::move(message)};
  }

  std::string where(const toml::node& node) const {
    return file_ + ":" + std::to_string(node.source().begin.line);
  }

 private:
  static std::string indexed(std::string_view table, std::size_t i) {
    return std::string(table) + "[" + std::to_string(i) + "]";
  }

  /// A semantic error's key path back to the line it came from: the value itself when the file has it, else
  /// the nearest enclosing table (a missing key is reported at its table's header).
  ScenarioError locate(const toml::table& root, const net::TopologyError& error) const {
    std::string_view path = error.key;
    while (!path.empty()) {
      if (const toml::node* node = toml::at_path(root, path).node())
        return error_at(node->source(), error.key, error.message);
      auto cut = path.find_last_of(".[");
      path = cut == std::string_view::npos ? std::string_view{} : path.substr(0, cut);
    }
    return ScenarioError{file_, 1, 0, error.key, error.message};
  }

  void read_sim(const Fields& f, net::Topology& topology) const {
    f.allow({"seed", "until"});
    if (auto seed = f.integer("seed", 0, std::numeric_limits<std::int64_t>::max(), "a seed, an integer >= 0"))
      topology.seed = static_cast<std::uint64_t>(*seed);
    topology.until = f.time("until");
    if (topology.until && topology.until->count() <= 0)
      f.fail_at(*f.find("until"), "until", "expected a time above 0, like \"60s\"");
  }

  net::HostSpec read_host(const Fields& f) const {
    f.allow({"name", "forward", "iface", "route"});
    net::HostSpec host;
    host.where = f.where();
    host.name = f.required_text("name", "a host name like \"client\"");
    host.forward = f.boolean("forward").value_or(false);
    auto ifaces = f.tables("iface", net::kMaxIfacesPerHost);
    for (std::size_t i = 0; i < ifaces.size(); ++i)
      host.ifaces.push_back(read_iface(
          Fields(*this, *ifaces[i], f.key_path(indexed("iface", i)), "[[host.iface]]"), host.name));
    auto routes = f.tables("route", net::kMaxEntries);
    for (std::size_t i = 0; i < routes.size(); ++i)
      host.routes.push_back(
          read_route(Fields(*this, *routes[i], f.key_path(indexed("route", i)), "[[host.route]]")));
    return host;
  }

  net::IfaceSpec read_iface(const Fields& f, const std::string& host) const {
    f.allow({"name", "addr", "mac", "mtu"});
    net::IfaceSpec iface;
    iface.where = f.where();
    iface.name = f.required_text("name", "an interface name like \"eth0\"");
    constexpr std::string_view kAddr = "an address with a prefix like \"10.0.0.1/24\"";
    std::string addr = f.required_text("addr", kAddr);
    auto cidr = wire::Ipv4Cidr::parse(addr);
    if (!cidr || addr.find('/') == std::string::npos)
      f.fail_at(*f.find("addr"), "addr",
                "expected " + std::string(kAddr) + ", got " + describe(*f.find("addr")));
    iface.addr = *cidr;
    constexpr std::string_view kMac = "a MAC like \"02:00:00:00:00:01\"";
    if (auto mac = f.text("mac", kMac)) {
      auto parsed = wire::MacAddress::parse(*mac);
      if (!parsed)
        f.fail_at(*f.find("mac"), "mac",
                  "expected " + std::string(kMac) + ", got " + describe(*f.find("mac")));
      iface.mac = *parsed;
    } else {
      iface.mac = net::derived_mac(host, iface.name);
    }
    if (auto mtu = f.integer("mtu", net::kMinMtu, net::kMaxMtu, "an MTU from 68 to 9000"))
      iface.mtu = static_cast<std::uint16_t>(*mtu);
    return iface;
  }

  net::RouteSpec read_route(const Fields& f) const {
    f.allow({"dest", "via"});
    net::RouteSpec route;
    route.where = f.where();
    constexpr std::string_view kDest = "a destination like \"10.0.1.0/24\" or \"0.0.0.0/0\"";
    auto dest = wire::Ipv4Cidr::parse(f.required_text("dest", kDest));
    if (!dest)
      f.fail_at(*f.find("dest"), "dest",
                "expected " + std::string(kDest) + ", got " + describe(*f.find("dest")));
    route.dest = *dest;
    constexpr std::string_view kVia = "a gateway address like \"10.0.0.254\"";
    if (auto via = f.text("via", kVia)) {
      auto gateway = wire::Ipv4Address::parse(*via);
      if (!gateway)
        f.fail_at(*f.find("via"), "via",
                  "expected " + std::string(kVia) + ", got " + describe(*f.find("via")));
      route.via = *gateway;
    }
    return route;
  }

  net::SwitchSpec read_switch(const Fields& f) const {
    f.allow({"name", "aging"});
    net::SwitchSpec sw;
    sw.where = f.where();
    sw.name = f.required_text("name", "a switch name like \"sw1\"");
    if (auto aging = f.time("aging")) sw.aging = *aging;
    return sw;
  }

  static std::optional<net::LinkEndSpec> parse_end(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
      if (text.empty()) return std::nullopt;
      return net::LinkEndSpec{std::string(text), ""};
    }
    if (colon == 0 || colon + 1 == text.size() || text.find(':', colon + 1) != std::string_view::npos)
      return std::nullopt;
    return net::LinkEndSpec{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  }

  net::LinkSpec read_link(const Fields& f) const {
    f.allow({"a", "b", "rate", "delay", "queue", "loss", "reorder", "duplicate", "corrupt"});
    net::LinkSpec link;
    link.where = f.where();
    constexpr std::string_view kEnd = "\"host:iface\" or a switch name";
    for (auto [key, end] : {std::pair{"a", &link.a}, std::pair{"b", &link.b}}) {
      auto parsed = parse_end(f.required_text(key, kEnd));
      if (!parsed)
        f.fail_at(*f.find(key), key, "expected " + std::string(kEnd) + ", got " + describe(*f.find(key)));
      *end = *parsed;
    }
    if (auto rate = f.rate("rate")) {
      if (*rate == 0)
        f.fail_at(*f.find("rate"), "rate",
                  "expected a rate above 0 (leave `rate` out for no serialization delay)");
      link.rate_bps = *rate;
    }
    if (auto delay = f.time("delay")) link.delay = *delay;
    if (auto queue = f.integer("queue", 1, net::kMaxQueue, "a queue of 1 to 1000000 frames"))
      link.queue = static_cast<std::size_t>(*queue);
    link.faults.loss = f.probability("loss").value_or(0);
    link.faults.reorder = f.probability("reorder").value_or(0);
    link.faults.duplicate = f.probability("duplicate").value_or(0);
    link.faults.corrupt = f.probability("corrupt").value_or(0);
    return link;
  }

  net::AppSpec read_app(const Fields& f) const {
    // The kind first, so an unknown key is answered with the keys that kind takes.
    const std::vector<std::string_view> kCommon = {"host", "kind", "at"};
    const std::vector<std::string_view> kEvery = {"host",  "kind", "at",    "to",       "port",
                                                  "count", "size", "bytes", "interval", "message",
                                                  "url",   "out",  "root"};
    net::AppSpec app;
    app.where = f.where();
    app.kind = f.required_text("kind", "an app kind like \"ping\" or \"tcp-bulk\"");
    auto kind_keys = net::app_keys(app.kind);
    if (kind_keys.empty()) {
      f.allow(kEvery);
    } else {
      std::vector<std::string_view> known = kCommon;
      known.insert(known.end(), kind_keys.begin(), kind_keys.end());
      // Keys other kinds take are left to validate(), which says "kind X takes no Y"; true typos fail here.
      for (auto&& [key, node] : f.table()) {
        std::string_view k = key.str();
        if (std::find(kEvery.begin(), kEvery.end(), k) == kEvery.end())
          throw LoadFailure{error_at(key.source(), f.key_path(k),
                                     "unknown key \"" + std::string(k) + "\" in [[app]] of kind \"" +
                                         app.kind + "\"" + suggestion(k, known) + " (it takes " +
                                         joined(known) + ")")};
      }
    }
    app.host = f.required_text("host", "the name of the host it runs on");
    if (auto at = f.time("at")) app.at = *at;
    constexpr std::string_view kTo = "an address like \"10.0.0.2\" or \"10.0.0.2:5001\"";
    if (auto to = f.text("to", kTo)) {
      auto target = net::parse_app_target(*to);
      if (!target)
        f.fail_at(*f.find("to"), "to", "expected " + std::string(kTo) + ", got " + describe(*f.find("to")));
      app.to_addr = target->addr;
      app.to_port = target->port;
    }
    if (auto port = f.integer("port", 1, 65535, "a port from 1 to 65535"))
      app.port = static_cast<std::uint16_t>(*port);
    if (auto count = f.integer("count", 1, std::numeric_limits<std::int64_t>::max(), "a count of at least 1"))
      app.count = static_cast<std::uint64_t>(*count);
    app.size = f.size("size");
    app.bytes = f.size("bytes");
    app.interval = f.time("interval");
    app.message = f.text("message", "a string");
    app.url = f.text("url", "a URL like \"http://10.0.0.2/\"");
    app.out = f.text("out", "a file name");
    app.root = f.text("root", "a directory");
    return app;
  }

  std::string file_;
};

void Fields::allow(const std::vector<std::string_view>& allowed) const {
  for (auto&& [key, node] : table_) {
    std::string_view k = key.str();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string_view noun = path_.empty() ? "table or key" : "key";
    std::string_view preposition = path_.empty() ? " at " : " in ";
    throw LoadFailure{loader_.error_at(key.source(), key_path(k),
                                       "unknown " + std::string(noun) + " \"" + std::string(k) + "\"" +
                                           std::string(preposition) + title_ + suggestion(k, allowed) +
                                           " (expected one of " + joined(allowed) + ")")};
  }
}

std::string Fields::where() const {
  return loader_.where(table_);
}

void Fields::fail_at(const toml::node& node, std::string_view key, std::string message) const {
  throw LoadFailure{loader_.error_at(node.source(), key_path(key), std::move(message))};
}

void Fields::fail_missing(std::string_view key, std::string_view what) const {
  throw LoadFailure{loader_.error_at(
      table_.source(), key_path(key),
      "missing required key \"" + std::string(key) + "\" in " + title_ + " (" + std::string(what) + ")")};
}

std::vector<const toml::table*> Fields::tables(std::string_view key, std::size_t cap) const {
  std::vector<const toml::table*> out;
  const toml::node* node = find(key);
  if (!node) return out;
  std::string title = title_ == "the top level"
                          ? std::string(key)
                          : title_.substr(2, title_.size() - 4) + "." + std::string(key);
  const toml::array* array = node->as_array();
  if (!array)
    fail_at(*node, key,
            "expected an array of tables written [[" + title + "]], got " + describe(*node) +
                (node->is_table() ? " (write [[" + title + "]], not [" + title + "])" : ""));
  if (array->size() > cap)
    fail_at(*node, key,
            "too many entries (" + std::to_string(array->size()) + "); at most " + std::to_string(cap));
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (!element.is_table())
      throw LoadFailure{
          loader_.error_at(element.source(), key_path(key) + "[" + std::to_string(i) + "]",
                           "expected a table written [[" + title + "]], got " + describe(element))};
    out.push_back(element.as_table());
  }
  return out;
}

}  // namespace

std::string ScenarioError::text() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (key.empty() && column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

LoadResult load_scenario_text(std::string_view text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return core::fail(ScenarioError{name, static_cast<int>(begin.line), static_cast<int>(begin.column), "",
                                    "TOML syntax error: " + std::string(e.description())});
  }
  try {
    return Loader(name).load(root);
  } catch (const LoadFailure& failure) {
    return core::fail(failure.error);
  }
}

LoadResult load_scenario_file(const std::string& path) {
  auto cannot_read = [&](std::string reason) {
    return core::fail(ScenarioError{path, 0, 0, "", "cannot read: " + std::move(reason)});
  };
  // why O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever if none comes; the file
  // type is checked on the open descriptor (no race with a rename) before a byte is read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return cannot_read(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return cannot_read(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return cannot_read(std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode))
    return cannot_read(std::string("it is ") +
                       (S_ISFIFO(st.st_mode)   ? "a FIFO (named pipe)"
                        : S_ISCHR(st.st_mode)  ? "a character device"
                        : S_ISBLK(st.st_mode)  ? "a block device"
                        : S_ISSOCK(st.st_mode) ? "a socket"
                                               : "not a regular file") +
                       "; a scenario is a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxFileBytes) return cannot_read(too_large());
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cannot_read(std::strerror(errno));
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) return cannot_read(too_large());  // it grew while being read
  }
  return load_scenario_text(text, path);
}

}  // namespace strata::sim::scenario
