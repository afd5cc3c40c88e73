// SPDX-License-Identifier: MIT
#include "sim/scenario/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace strata::sim::scenario {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// The 1-based line of the first occurrence of `needle`: tests name lines by their content, not by number.
int line_of(std::string_view text, std::string_view needle) {
  auto at = text.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

int last_line(std::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

ScenarioError load_error(std::string_view text) {
  auto result = load_scenario_text(text, "x.toml");
  EXPECT_FALSE(result.ok()) << "loaded without error";
  if (result.ok()) return {};
  return result.error();
}

net::Topology load_ok(std::string_view text) {
  auto result = load_scenario_text(text, "x.toml");
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().text());
  return result.ok() ? *result : net::Topology{};
}

/// Asserts file, line and key, and returns the message for the caller to check.
std::string expect_error(std::string_view text, int line, std::string_view key) {
  ScenarioError error = load_error(text);
  EXPECT_EQ(error.file, "x.toml");
  EXPECT_EQ(error.line, line) << error.text();
  EXPECT_EQ(error.key, key) << error.text();
  return error.message;
}

wire::Ipv4Address ip(std::string_view text) {
  return *wire::Ipv4Address::parse(text);
}
wire::Ipv4Cidr cidr(std::string_view text) {
  return *wire::Ipv4Cidr::parse(text);
}
wire::MacAddress mac(std::string_view text) {
  return *wire::MacAddress::parse(text);
}

// DESIGN.md §6's example, made whole: a router between the client and a switched server segment.
constexpr std::string_view kFullScenario = R"([sim]
seed = 42
until = "60s"

[[host]]
name = "client"
forward = false                 # true makes it a router
  [[host.iface]]
  name = "eth0"
  addr = "10.0.0.1/24"
  mac = "02:00:00:00:00:01"
  mtu = 1400
  [[host.route]]
  dest = "0.0.0.0/0"
  via = "10.0.0.254"

[[host]]
name = "r1"
forward = true
  [[host.iface]]
  name = "eth0"
  addr = "10.0.0.254/24"
  [[host.iface]]
  name = "eth1"
  addr = "10.0.1.254/24"

[[host]]
name = "server"
  [[host.iface]]
  name = "eth0"
  addr = "10.0.1.2/24"
  [[host.route]]
  dest = "10.0.0.0/24"
  via = "10.0.1.254"

[[switch]]
name = "sw1"

[[link]]
a = "client:eth0"
b = "r1:eth0"
rate = "100Mbps"
delay = "10ms"
queue = 50
loss = 0.01
reorder = 0.0
duplicate = 0.002
corrupt = 0

[[link]]
a = "r1:eth1"
b = "sw1"

[[link]]
a = "server:eth0"
b = "sw1"
rate = "1Gbps"

[[app]]
host = "server"
kind = "tcp-sink"
port = 5001
at = "0s"

[[app]]
host = "client"
kind = "tcp-bulk"
to = "10.0.1.2:5001"
bytes = "10MB"
at = "1s"

[[app]]
host = "client"
kind = "ping"
to = "10.0.1.2"
count = 3
size = 100
interval = "200ms"
)";

// Two hosts on one link: the base the error tests change one thing in.
constexpr std::string_view kTwoHosts = R"([[host]]
name = "client"
  [[host.iface]]
  name = "eth0"
  addr = "10.0.0.1/24"

[[host]]
name = "server"
  [[host.iface]]
  name = "eth0"
  addr = "10.0.0.2/24"

[[link]]
a = "client:eth0"
b = "server:eth0"
)";

std::string two_hosts_and(std::string_view extra) {
  return std::string(kTwoHosts) + "\n" + std::string(extra);
}

TEST(LoadScenario, LoadsEveryFieldAsWritten) {
  net::Topology t = load_ok(kFullScenario);
  EXPECT_EQ(t.seed, 42u);
  ASSERT_TRUE(t.until.has_value());
  EXPECT_EQ(*t.until, 60s);

  ASSERT_EQ(t.hosts.size(), 3u);
  const net::HostSpec& client = t.hosts[0];
  EXPECT_EQ(client.name, "client");
  EXPECT_FALSE(client.forward);
  ASSERT_EQ(client.ifaces.size(), 1u);
  EXPECT_EQ(client.ifaces[0].name, "eth0");
  EXPECT_EQ(client.ifaces[0].addr, cidr("10.0.0.1/24"));
  EXPECT_EQ(client.ifaces[0].mac, mac("02:00:00:00:00:01"));
  EXPECT_EQ(client.ifaces[0].mtu, 1400);
  ASSERT_EQ(client.routes.size(), 1u);
  EXPECT_EQ(client.routes[0].dest, cidr("0.0.0.0/0"));
  EXPECT_EQ(client.routes[0].via, ip("10.0.0.254"));

  const net::HostSpec& router = t.hosts[1];
  EXPECT_EQ(router.name, "r1");
  EXPECT_TRUE(router.forward);
  ASSERT_EQ(router.ifaces.size(), 2u);
  EXPECT_EQ(router.ifaces[1].name, "eth1");
  EXPECT_EQ(router.ifaces[1].addr, cidr("10.0.1.254/24"));
  EXPECT_EQ(router.ifaces[1].mac, net::derived_mac("r1", "eth1"));
  EXPECT_EQ(router.ifaces[1].mtu, 1500);  // default
  EXPECT_TRUE(router.routes.empty());

  EXPECT_EQ(t.hosts[2].routes[0].via, ip("10.0.1.254"));

  ASSERT_EQ(t.switches.size(), 1u);
  EXPECT_EQ(t.switches[0].name, "sw1");

  ASSERT_EQ(t.links.size(), 3u);
  const net::LinkSpec& first = t.links[0];
  EXPECT_EQ(first.a.node, "client");
  EXPECT_EQ(first.a.iface, "eth0");
  EXPECT_EQ(first.b.text(), "r1:eth0");
  EXPECT_EQ(first.rate_bps, 100'000'000u);
  EXPECT_EQ(first.delay, 10ms);
  EXPECT_EQ(first.queue, 50u);
  EXPECT_DOUBLE_EQ(first.faults.loss, 0.01);
  EXPECT_DOUBLE_EQ(first.faults.reorder, 0.0);
  EXPECT_DOUBLE_EQ(first.faults.duplicate, 0.002);
  EXPECT_DOUBLE_EQ(first.faults.corrupt, 0.0);
  EXPECT_EQ(t.links[1].b.node, "sw1");
  EXPECT_TRUE(t.links[1].b.iface.empty());
  EXPECT_EQ(t.links[1].rate_bps, 0u);  // defaults
  EXPECT_EQ(t.links[1].delay, 0ns);
  EXPECT_EQ(t.links[1].queue, 100u);
  EXPECT_EQ(t.links[2].rate_bps, 1'000'000'000u);

  ASSERT_EQ(t.apps.size(), 3u);
  EXPECT_EQ(t.apps[0].host, "server");
  EXPECT_EQ(t.apps[0].kind, "tcp-sink");
  EXPECT_EQ(t.apps[0].port, 5001);
  EXPECT_EQ(t.apps[0].at, 0s);
  EXPECT_EQ(t.apps[1].kind, "tcp-bulk");
  EXPECT_EQ(t.apps[1].to_addr, ip("10.0.1.2"));
  EXPECT_EQ(t.apps[1].to_port, 5001);
  EXPECT_EQ(t.apps[1].bytes, 10'000'000u);
  EXPECT_EQ(t.apps[1].at, 1s);
  EXPECT_EQ(t.apps[2].kind, "ping");
  EXPECT_EQ(t.apps[2].to_addr, ip("10.0.1.2"));
  EXPECT_FALSE(t.apps[2].to_port.has_value());
  EXPECT_EQ(t.apps[2].count, 3u);
  EXPECT_EQ(t.apps[2].size, 100u);
  EXPECT_EQ(t.apps[2].interval, 200ms);
  EXPECT_FALSE(t.apps[2].port.has_value());
}

TEST(LoadScenario, FillsWhereWithFileAndLine) {
  net::Topology t = load_ok(kFullScenario);
  EXPECT_EQ(t.hosts[1].where, "x.toml:" + std::to_string(line_of(kFullScenario, "name = \"r1\"") - 1));
  EXPECT_EQ(t.hosts[0].ifaces[0].where, "x.toml:8");
  EXPECT_EQ(t.hosts[0].routes[0].where, "x.toml:13");
  EXPECT_EQ(t.switches[0].where, "x.toml:" + std::to_string(line_of(kFullScenario, "[[switch]]")));
  EXPECT_EQ(t.links[0].where, "x.toml:" + std::to_string(line_of(kFullScenario, "[[link]]")));
  EXPECT_EQ(t.apps[0].where, "x.toml:" + std::to_string(line_of(kFullScenario, "[[app]]")));
}

TEST(LoadScenario, AppliesDefaults) {
  net::Topology t = load_ok(kTwoHosts);
  EXPECT_EQ(t.seed, 1u);
  EXPECT_FALSE(t.until.has_value());
  EXPECT_EQ(t.hosts[0].ifaces[0].mtu, 1500);
  EXPECT_EQ(t.hosts[0].ifaces[0].mac, net::derived_mac("client", "eth0"));
  EXPECT_NE(t.hosts[0].ifaces[0].mac, t.hosts[1].ifaces[0].mac);
  EXPECT_FALSE(t.hosts[0].forward);
  EXPECT_EQ(t.links[0].queue, 100u);
  EXPECT_EQ(t.links[0].faults, net::FaultSpec{});
}

TEST(LoadScenario, LoadsEveryAppKind) {
  net::Topology t = load_ok(two_hosts_and(R"(
[[app]]
host = "server"
kind = "udp-echo"
port = 7
[[app]]
host = "client"
kind = "udp-send"
to = "10.0.0.2:7"
count = 10
size = "1KiB"
interval = "1ms"
[[app]]
host = "server"
kind = "tcp-echo"
port = 7
[[app]]
host = "client"
kind = "tcp-echo-client"
to = "10.0.0.2:7"
message = "hello"
count = 2
[[app]]
host = "server"
kind = "http-server"
port = 80
root = "www"
[[app]]
host = "client"
kind = "http-get"
url = "http://10.0.0.2/index.html"
out = "page.html"
at = "1.5s"
)"));
  ASSERT_EQ(t.apps.size(), 6u);
  EXPECT_EQ(t.apps[1].size, 1024u);
  EXPECT_EQ(t.apps[1].interval, 1ms);
  EXPECT_EQ(t.apps[3].message, "hello");
  EXPECT_EQ(t.apps[4].root, "www");
  EXPECT_EQ(t.apps[5].url, "http://10.0.0.2/index.html");
  EXPECT_EQ(t.apps[5].out, "page.html");
  EXPECT_EQ(t.apps[5].at, 1500ms);
}

TEST(LoadScenario, LoadsFromAFile) {
  auto path = std::filesystem::temp_directory_path() / "strata_loader_test.toml";
  std::ofstream(path) << kFullScenario;
  auto result = load_scenario_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(result.ok()) << result.error().text();
  EXPECT_EQ(result->hosts[0].where, path.string() + ":5");
}

// ---- one test per error class: file, line, key and a message that says what was expected ----

TEST(LoadScenarioError, TomlSyntaxErrorKeepsLineAndColumn) {
  constexpr std::string_view text = "[sim]\nseed = 42\nuntil = \"60s\n";
  ScenarioError error = load_error(text);
  EXPECT_EQ(error.file, "x.toml");
  EXPECT_EQ(error.line, 3);
  EXPECT_GT(error.column, 0);
  EXPECT_TRUE(error.key.empty());
  EXPECT_THAT(error.message, StartsWith("TOML syntax error: "));
  EXPECT_THAT(error.text(), StartsWith("x.toml:3:" + std::to_string(error.column) + ": TOML syntax error: "));
}

TEST(LoadScenarioError, DuplicateTomlKeyIsASyntaxError) {
  ScenarioError error = load_error("[sim]\nseed = 1\nseed = 2\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_THAT(error.message, HasSubstr("TOML syntax error"));
}

TEST(LoadScenarioError, UnknownKeyInEveryTable) {
  struct Case {
    std::string text;
    std::string_view typo, key, table;
  };
  const Case cases[] = {
      {"[sim]\nsed = 1\n", "sed", "sim.sed", "[sim]"},
      {"[[host]]\nname = \"a\"\nnmae = \"b\"\n", "nmae", "host[0].nmae", "[[host]]"},
      {"[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nadr = \"x\"\n",
       "adr", "host[0].iface[0].adr", "[[host.iface]]"},
      {"[[host]]\nname = \"a\"\n[[host.route]]\ndest = \"0.0.0.0/0\"\ngw = \"10.0.0.1\"\n", "gw",
       "host[0].route[0].gw", "[[host.route]]"},
      {"[[switch]]\nname = \"sw1\"\nports = 4\n", "ports", "switch[0].ports", "[[switch]]"},
      {two_hosts_and("latency = \"1ms\"\n"), "latency", "link[0].latency", "[[link]]"},
      {two_hosts_and("[[app]]\nhost = \"server\"\nkind = \"tcp-sink\"\nprot = 5001\n"), "prot", "app[0].prot",
       "[[app]]"},
      {"[simulation]\nseed = 1\n", "simulation", "simulation", "the top level"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    std::string message = expect_error(
        c.text, line_of(c.text, std::string(c.typo) + (c.typo == "simulation" ? "]" : " =")), c.key);
    EXPECT_THAT(message, HasSubstr("unknown"));
    EXPECT_THAT(message, HasSubstr("\"" + std::string(c.typo) + "\""));
    EXPECT_THAT(message, HasSubstr(std::string(c.table)));
  }
  // A typo gets a suggestion and the list of keys.
  EXPECT_EQ(load_error("[sim]\nsed = 1\n").message,
            R"(unknown key "sed" in [sim]; did you mean "seed"? (expected one of seed, until))");
  EXPECT_THAT(
      load_error(two_hosts_and("[[app]]\nhost = \"server\"\nkind = \"tcp-sink\"\nprot = 5001\n")).message,
      HasSubstr(R"(did you mean "port"? (it takes host, kind, at, port))"));
}

TEST(LoadScenarioError, WrongType) {
  std::string text = "[sim]\nseed = \"42\"\n";
  EXPECT_EQ(expect_error(text, 2, "sim.seed"), R"(expected a seed, an integer >= 0, got "42")");
  text = two_hosts_and("queue = \"100\"\n");
  EXPECT_EQ(expect_error(text, line_of(text, "queue"), "link[0].queue"),
            R"(expected a queue of 1 to 1000000 frames, got "100")");
  text = "[[host]]\nname = \"a\"\nforward = \"yes\"\n";
  EXPECT_EQ(expect_error(text, 3, "host[0].forward"), R"(expected true or false, got "yes")");
  text = "[[host]]\nname = 7\n";
  EXPECT_EQ(expect_error(text, 2, "host[0].name"), R"(expected a host name like "client", got integer 7)");
  text = "[host]\nname = \"a\"\n";
  EXPECT_THAT(expect_error(text, 1, "host"),
              HasSubstr("expected an array of tables written [[host]], got a table"));
  text = "sim = 3\n";
  EXPECT_THAT(expect_error(text, 1, "sim"), HasSubstr("expected a table written [sim], got integer 3"));
  text = two_hosts_and("delay = 10\n");
  EXPECT_THAT(expect_error(text, line_of(text, "delay"), "link[0].delay"),
              HasSubstr(R"(expected a time like "10ms" or "1.5s" (a string with a unit), got integer 10)"));
}

TEST(LoadScenarioError, BadTimeUnit) {
  std::string text = two_hosts_and("delay = \"10hrs\"\n");
  ScenarioError error = load_error(text);
  EXPECT_EQ(error.line, line_of(text, "delay"));
  EXPECT_EQ(error.key, "link[0].delay");
  EXPECT_EQ(
      error.text(),
      "x.toml:" + std::to_string(error.line) +
          R"(: link[0].delay: expected a time like "10ms" or "1.5s", got "10hrs": unknown unit "hrs" (ns, us, µs, ms, s, min))");
  text = "[sim]\nuntil = \"60\"\n";
  EXPECT_THAT(expect_error(text, 2, "sim.until"), HasSubstr("missing unit"));
}

TEST(LoadScenarioError, BadRate) {
  std::string text = two_hosts_and("rate = \"fast\"\n");
  ScenarioError error = load_error(text);
  EXPECT_EQ(
      error.text(),
      "x.toml:" + std::to_string(line_of(text, "rate")) +
          R"(: link[0].rate: expected a rate like "100Mbps" or "1.5Gbps", got "fast": it must start with a number)");
  text = two_hosts_and("rate = \"0bps\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "rate"), "link[0].rate"),
              HasSubstr("expected a rate above 0"));
}

TEST(LoadScenarioError, BadSize) {
  std::string text = two_hosts_and(
      "[[app]]\nhost = \"client\"\nkind = \"tcp-bulk\"\nto = \"10.0.0.2:9\"\nbytes = \"10 megabytes\"\n");
  EXPECT_EQ(
      expect_error(text, line_of(text, "bytes"), "app[0].bytes"),
      R"(expected a size like "10MB", "64KiB" or 1500, got "10 megabytes": unknown unit "megabytes" (B, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB))");
  text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"tcp-bulk\"\nto = \"10.0.0.2:9\"\nbytes = -5\n");
  EXPECT_THAT(expect_error(text, line_of(text, "bytes"), "app[0].bytes"), HasSubstr("got integer -5"));
}

TEST(LoadScenarioError, MissingRequiredKey) {
  std::string text = "[[host]]\nforward = true\n";
  EXPECT_EQ(expect_error(text, 1, "host[0].name"),
            R"(missing required key "name" in [[host]] (a host name like "client"))");
  text = "[[host]]\nname = \"a\"\n  [[host.iface]]\n  name = \"eth0\"\n";
  EXPECT_THAT(expect_error(text, 3, "host[0].iface[0].addr"),
              HasSubstr(R"(missing required key "addr" in [[host.iface]])"));
  text = "[[host]]\nname = \"a\"\n  [[host.iface]]\n  addr = \"10.0.0.1/24\"\n";
  EXPECT_THAT(expect_error(text, 3, "host[0].iface[0].name"), HasSubstr(R"(missing required key "name")"));
  text = std::string(kTwoHosts.substr(0, kTwoHosts.find("b = "))) + "\n";
  EXPECT_THAT(expect_error(text, line_of(text, "[[link]]"), "link[0].b"),
              HasSubstr(R"(missing required key "b" in [[link]])"));
  text = two_hosts_and("[[app]]\nhost = \"client\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "[[app]]"), "app[0].kind"),
              HasSubstr(R"(missing required key "kind")"));
  text = two_hosts_and("[[app]]\nkind = \"tcp-sink\"\nport = 1\n");
  EXPECT_THAT(expect_error(text, line_of(text, "[[app]]"), "app[0].host"),
              HasSubstr(R"(missing required key "host")"));
  text = "[[host]]\nname = \"a\"\n[[host.route]]\nvia = \"10.0.0.1\"\n";
  EXPECT_THAT(expect_error(text, 3, "host[0].route[0].dest"), HasSubstr(R"(missing required key "dest")"));
}

TEST(LoadScenarioError, UnknownHostInLink) {
  std::string text = std::string(kTwoHosts) + "[[link]]\na = \"clinet:eth1\"\nb = \"server:eth1\"\n";
  EXPECT_EQ(expect_error(text, line_of(text, "a = \"clinet"), "link[1].a"),
            R"(unknown host or switch "clinet")");
}

TEST(LoadScenarioError, UnknownInterface) {
  std::string text = std::string(kTwoHosts) + "[[link]]\na = \"client:eth9\"\nb = \"server:eth0\"\n";
  EXPECT_EQ(expect_error(text, line_of(text, "client:eth9"), "link[1].a"),
            R"(host "client" has no interface "eth9" (it has eth0))");
}

TEST(LoadScenarioError, InterfaceOnTwoLinks) {
  std::string text =
      std::string(kTwoHosts) + "[[switch]]\nname = \"sw1\"\n[[link]]\na = \"sw1\"\nb = \"server:eth0\"\n";
  EXPECT_EQ(
      expect_error(text, last_line(text), "link[1].b"),
      "interface server:eth0 is already on link[0]; an interface takes one link (use a switch to join more)");
}

TEST(LoadScenarioError, LinkToItselfAndHostWithoutInterface) {
  std::string text = "[[switch]]\nname = \"sw1\"\n[[link]]\na = \"sw1\"\nb = \"sw1\"\n";
  EXPECT_EQ(expect_error(text, 5, "link[0].b"), R"(a link from "sw1" to itself)");
  text = std::string(kTwoHosts.substr(0, kTwoHosts.find("[[link]]"))) +
         "[[link]]\na = \"client\"\nb = \"server:eth0\"\n";
  EXPECT_THAT(expect_error(text, line_of(text, "a = \"client\""), "link[0].a"),
              HasSubstr(R"("client" is a host; name its interface as "client:IFACE" (it has eth0))"));
  text = std::string(kTwoHosts.substr(0, kTwoHosts.find("[[link]]"))) +
         "[[link]]\na = \"client:eth0:x\"\nb = \"server:eth0\"\n";
  EXPECT_THAT(expect_error(text, line_of(text, "eth0:x"), "link[0].a"),
              HasSubstr(R"(expected "host:iface" or a switch name, got "client:eth0:x")"));
}

TEST(LoadScenarioError, AddressNotInSubnet) {
  std::string text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\n"
      "[[host.route]]\ndest = \"0.0.0.0/0\"\nvia = \"10.0.9.254\"\n";
  EXPECT_EQ(expect_error(text, 8, "host[0].route[0].via"),
            R"(gateway 10.0.9.254 is not in any subnet of host "a" (10.0.0.1/24))");
  text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\n"
      "[[host.route]]\ndest = \"10.0.1.5/24\"\nvia = \"10.0.0.254\"\n";
  EXPECT_EQ(expect_error(text, 7, "host[0].route[0].dest"),
            "10.0.1.5/24 has host bits set (did you mean 10.0.1.0/24?)");
  text = "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.0/24\"\n";
  EXPECT_EQ(expect_error(text, 5, "host[0].iface[0].addr"),
            "10.0.0.0/24 is the subnet's network address, not a host address");
  text = "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1\"\n";
  EXPECT_EQ(expect_error(text, 5, "host[0].iface[0].addr"),
            R"(expected an address with a prefix like "10.0.0.1/24", got "10.0.0.1")");
}

TEST(LoadScenarioError, DuplicateMac) {
  std::string text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nmac = "
      "\"02:00:00:00:00:01\"\n"
      "[[host]]\nname = \"b\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.2/24\"\nmac = "
      "\"02:00:00:00:00:01\"\n";
  EXPECT_EQ(expect_error(text, 12, "host[1].iface[0].mac"),
            "duplicate MAC 02:00:00:00:00:01 (also a:eth0, host[0].iface[0] at x.toml:3)");
  text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nmac = "
      "\"01:00:5e:00:00:01\"\n";
  EXPECT_THAT(expect_error(text, 6, "host[0].iface[0].mac"), HasSubstr("is multicast"));
  text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nmac = "
      "\"02:00:00:00:01\"\n";
  EXPECT_THAT(expect_error(text, 6, "host[0].iface[0].mac"),
              HasSubstr(R"(expected a MAC like "02:00:00:00:00:01")"));
}

TEST(LoadScenarioError, DuplicateAddress) {
  std::string text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\n"
      "[[host]]\nname = \"b\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\n";
  EXPECT_EQ(expect_error(text, 10, "host[1].iface[0].addr"),
            "duplicate address 10.0.0.1 (also a:eth0, host[0].iface[0] at x.toml:3)");
}

TEST(LoadScenarioError, DuplicateName) {
  std::string text = std::string(kTwoHosts) + "[[switch]]\nname = \"client\"\n";
  EXPECT_EQ(expect_error(text, last_line(text), "switch[0].name"),
            R"(duplicate name "client" (also host[0] at x.toml:1))");
  text = "[[host]]\nname = \"a\"\n[[host]]\nname = \"a\"\n";
  EXPECT_THAT(expect_error(text, 4, "host[1].name"), HasSubstr(R"(duplicate name "a")"));
  text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\n"
      "[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.1.1/24\"\n";
  EXPECT_EQ(expect_error(text, 7, "host[0].iface[1].name"), R"(duplicate interface "eth0" on host "a")");
}

TEST(LoadScenarioError, BadProbability) {
  std::string text = two_hosts_and("loss = 1.5\n");
  EXPECT_EQ(expect_error(text, line_of(text, "loss"), "link[0].loss"),
            "expected a probability from 0 to 1 (a number like 0.01), got float 1.5");
  text = two_hosts_and("corrupt = \"1%\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "corrupt"), "link[0].corrupt"), HasSubstr(R"(got "1%")"));
  text = two_hosts_and("reorder = nan\n");
  EXPECT_THAT(expect_error(text, line_of(text, "reorder"), "link[0].reorder"),
              HasSubstr("expected a probability"));
  text = two_hosts_and("duplicate = -0.1\n");
  EXPECT_THAT(expect_error(text, line_of(text, "duplicate"), "link[0].duplicate"),
              HasSubstr("got float -0.1"));
}

TEST(LoadScenarioError, BadMtu) {
  std::string text =
      "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nmtu = 67\n";
  EXPECT_EQ(expect_error(text, 6, "host[0].iface[0].mtu"), "expected an MTU from 68 to 9000, got integer 67");
  text = "[[host]]\nname = \"a\"\n[[host.iface]]\nname = \"eth0\"\naddr = \"10.0.0.1/24\"\nmtu = 65536\n";
  EXPECT_THAT(expect_error(text, 6, "host[0].iface[0].mtu"), HasSubstr("got integer 65536"));
}

TEST(LoadScenarioError, UnknownAppKind) {
  std::string text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"pign\"\nto = \"10.0.0.2\"\n");
  EXPECT_EQ(
      expect_error(text, line_of(text, "pign"), "app[0].kind"),
      R"(unknown app kind "pign" (kinds: ping, udp-echo, udp-send, tcp-echo, tcp-echo-client, tcp-sink, tcp-bulk, http-server, http-get))");
}

TEST(LoadScenarioError, AppKeyNotTakenByKind) {
  std::string text =
      two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"ping\"\nto = \"10.0.0.2\"\nport = 7\n");
  EXPECT_EQ(expect_error(text, line_of(text, "port"), "app[0].port"),
            R"(kind "ping" takes no "port" (it takes to, count, size, interval))");
  text = two_hosts_and("[[app]]\nhost = \"server\"\nkind = \"tcp-sink\"\nport = 7\nbytes = \"1MB\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "bytes"), "app[0].bytes"), HasSubstr(R"(takes no "bytes")"));
}

TEST(LoadScenarioError, MissingAppTo) {
  std::string text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"tcp-bulk\"\nbytes = \"1MB\"\n");
  EXPECT_EQ(expect_error(text, line_of(text, "[[app]]"), "app[0].to"),
            R"(kind "tcp-bulk" needs "to" (like "10.0.0.2:5001"))");
  text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"tcp-bulk\"\nto = \"10.0.0.2\"\n");
  EXPECT_EQ(expect_error(text, line_of(text, "to ="), "app[0].to"),
            R"(kind "tcp-bulk" needs an address with a port, like "10.0.0.2:5001")");
  text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"ping\"\nto = \"10.0.0.2:7\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "to ="), "app[0].to"),
              HasSubstr("takes an address without a port"));
  text = two_hosts_and("[[app]]\nhost = \"server\"\nkind = \"udp-echo\"\n");
  EXPECT_EQ(expect_error(text, line_of(text, "[[app]]"), "app[0].port"),
            R"(kind "udp-echo" needs "port" (like 5001))");
  text = two_hosts_and("[[app]]\nhost = \"client\"\nkind = \"ping\"\nto = \"10.0.0.256\"\n");
  EXPECT_THAT(expect_error(text, line_of(text, "to ="), "app[0].to"),
              HasSubstr(R"(expected an address like "10.0.0.2" or "10.0.0.2:5001", got "10.0.0.256")"));
}

TEST(LoadScenarioError, AppOnUnknownHost) {
  std::string text = two_hosts_and("[[app]]\nhost = \"nobody\"\nkind = \"tcp-sink\"\nport = 1\n");
  EXPECT_EQ(expect_error(text, line_of(text, "nobody"), "app[0].host"), R"(unknown host "nobody")");
}

TEST(LoadScenarioError, UnreadableFile) {
  auto result = load_scenario_file("/nonexistent/strata/x.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().file, "/nonexistent/strata/x.toml");
  EXPECT_EQ(result.error().line, 0);
  EXPECT_EQ(result.error().text(), "/nonexistent/strata/x.toml: cannot read: No such file or directory");
  auto directory = load_scenario_file(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.error().message, HasSubstr("cannot read: Is a directory"));
}

TEST(LoadScenarioError, TooManyEntriesIsAnErrorNotAHang) {
  std::string text;
  for (int i = 0; i <= 10'000; ++i) text += "[[switch]]\nname = \"s" + std::to_string(i) + "\"\n";
  EXPECT_EQ(expect_error(text, 1, "switch"), "too many entries (10001); at most 10000");
}

TEST(LoadScenarioError, AbsurdInputsFailCleanly) {
  // Deep nesting, a huge string, binary bytes: each gets an error, none hangs or crashes.
  std::string deep = "x = " + std::string(100'000, '[') + std::string(100'000, ']') + "\n";
  EXPECT_THAT(load_error(deep).message, HasSubstr("TOML syntax error"));
  std::string huge = "[[host]]\nname = \"" + std::string(4'000'000, 'h') + "\"\nbogus = 1\n";
  EXPECT_EQ(load_error(huge).key, "host[0].bogus");
  std::string binary("\x00\xff\xfe[[", 5);
  EXPECT_THAT(load_error(binary).message, HasSubstr("TOML syntax error"));
  EXPECT_TRUE(load_ok("").hosts.empty());  // an empty file is an empty network
}

}  // namespace
}  // namespace strata::sim::scenario
