// SPDX-License-Identifier: MIT
#include "sim/net/topology.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "sim/scenario/loader.hpp"

namespace strata::sim::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

/// `where` says where a value came from, not what the network is: cleared before comparing.
Topology without_where(Topology t) {
  for (HostSpec& host : t.hosts) {
    host.where.clear();
    for (IfaceSpec& iface : host.ifaces) iface.where.clear();
    for (RouteSpec& route : host.routes) route.where.clear();
  }
  for (SwitchSpec& sw : t.switches) sw.where.clear();
  for (LinkSpec& link : t.links) link.where.clear();
  for (AppSpec& app : t.apps) app.where.clear();
  return t;
}

std::string build_error(const TopologyBuilder& b) {
  try {
    b.build();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "build() accepted the topology";
  return "";
}

constexpr std::string_view kScenario = R"([sim]
seed = 7
until = "30s"

[[host]]
name = "client"
  [[host.iface]]
  name = "eth0"
  addr = "10.0.0.1/24"
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
  mac = "02:00:00:00:01:01"

[[host]]
name = "server"
  [[host.iface]]
  name = "eth0"
  addr = "10.0.1.2/24"
  [[host.route]]
  dest = "0.0.0.0/0"
  via = "10.0.1.254"

[[switch]]
name = "sw1"
aging = "60s"

[[link]]
a = "client:eth0"
b = "r1:eth0"
rate = "100Mbps"
delay = "10ms"
loss = 0.01

[[link]]
a = "r1:eth1"
b = "sw1"
queue = 20
reorder = 0.05
duplicate = 0.001
corrupt = 0.002

[[link]]
a = "sw1"
b = "server:eth0"

[[app]]
host = "server"
kind = "udp-echo"
port = 7

[[app]]
host = "client"
kind = "ping"
to = "10.0.1.2"
count = 3

[[app]]
host = "client"
kind = "udp-send"
to = "10.0.1.2:7"
size = 512
interval = "100ms"
at = "2s"
)";

TopologyBuilder same_network() {
  TopologyBuilder b;
  b.seed(7).until(30s);
  b.host("client").iface("eth0", "10.0.0.1/24").mtu(1400).route("0.0.0.0/0", "10.0.0.254");
  b.router("r1").iface("eth0", "10.0.0.254/24").iface("eth1", "10.0.1.254/24").mac("02:00:00:00:01:01");
  b.host("server").iface("eth0", "10.0.1.2/24").route("0.0.0.0/0", "10.0.1.254");
  b.sw("sw1").aging(60s);
  b.link("client:eth0", "r1:eth0").rate_bps(100'000'000).delay(10ms).loss(0.01);
  b.link("r1:eth1", "sw1").queue(20).reorder(0.05).duplicate(0.001).corrupt(0.002);
  b.link("sw1", "server:eth0");
  b.app("server", "udp-echo").port(7);
  b.app("client", "ping").to("10.0.1.2").count(3);
  b.app("client", "udp-send").to("10.0.1.2:7").size(512).interval(100ms).at(2s);
  return b;
}

TEST(TopologyBuilder, GivesTheSameTopologyAsTheLoader) {
  auto loaded = scenario::load_scenario_text(kScenario, "same.toml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().text();
  Topology built = same_network().build();
  EXPECT_TRUE(without_where(*loaded) == built);
  // Field by field where it matters most, so a difference says where it is.
  ASSERT_EQ(built.hosts.size(), 3u);
  EXPECT_EQ(built.hosts[1].ifaces[0].mac, loaded->hosts[1].ifaces[0].mac);
  EXPECT_EQ(built.hosts[1].ifaces[1].mac, loaded->hosts[1].ifaces[1].mac);
  EXPECT_EQ(built.links, without_where(*loaded).links);
  EXPECT_EQ(built.apps, without_where(*loaded).apps);
}

TEST(TopologyBuilder, BuildLeavesTheBuilderUsable) {
  TopologyBuilder b = same_network();
  Topology first = b.build();
  b.host("extra");
  Topology second = b.build();
  EXPECT_EQ(first.hosts.size() + 1, second.hosts.size());
}

TEST(TopologyBuilder, HandlesStayValidAsEntriesAreAdded) {
  TopologyBuilder b;
  HostBuilder client = b.host("client");
  for (int i = 0; i < 100; ++i) b.host("h" + std::to_string(i));  // the hosts vector reallocates
  client.iface("eth0", "10.0.0.1/24");
  EXPECT_EQ(b.peek().hosts[0].ifaces.size(), 1u);
}

TEST(TopologyBuilder, BuildRunsTheLoadersValidation) {
  TopologyBuilder b;
  b.host("a").iface("eth0", "10.0.0.1/24").route("0.0.0.0/0", "10.9.9.9");
  EXPECT_EQ(build_error(b),
            R"(host[0].route[0].via: gateway 10.9.9.9 is not in any subnet of host "a" (10.0.0.1/24))");

  TopologyBuilder dup;
  dup.host("a").iface("eth0", "10.0.0.1/24");
  dup.host("b").iface("eth0", "10.0.0.1/24");
  EXPECT_THAT(build_error(dup),
              HasSubstr("host[1].iface[0].addr: duplicate address 10.0.0.1 (also a:eth0, host[0].iface[0])"));

  TopologyBuilder app;
  app.host("a").iface("eth0", "10.0.0.1/24");
  app.app("a", "tcp-bulk").to("10.0.0.2");
  EXPECT_THAT(build_error(app), HasSubstr("app[0].to: kind \"tcp-bulk\" needs an address with a port"));

  TopologyBuilder link;
  link.host("a").iface("eth0", "10.0.0.1/24");
  link.link("a:eth0", "b:eth0");
  EXPECT_EQ(build_error(link), R"(link[0].b: unknown host or switch "b")");
}

TEST(TopologyBuilder, RefusesUnparsableTextAtOnce) {
  TopologyBuilder b;
  EXPECT_THROW(b.host("a").iface("eth0", "10.0.0.1"), std::invalid_argument);  // no prefix
  EXPECT_THROW(b.host("c").iface("eth0", "10.0.0.1/24").mac("nope"), std::invalid_argument);
  EXPECT_THROW(b.app("a", "ping").to("10.0.0.1:0"), std::invalid_argument);
  EXPECT_THROW(b.link("a:", "b"), std::invalid_argument);
}

// ---- validate(): the checks the builder and the loader share ----

TEST(Validate, AcceptsAnEmptyTopology) {
  EXPECT_FALSE(validate(Topology{}).has_value());
}

TEST(Validate, ReportsTheWhereOfTheOffendingEntry) {
  Topology t = same_network().build();
  t.links[1].faults.loss = 2;
  t.links[1].where = "net.toml:40";
  auto error = validate(t);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->where, "net.toml:40");
  EXPECT_EQ(error->key, "link[1].loss");
  EXPECT_EQ(error->text(), "net.toml:40: link[1].loss: expected a probability from 0 to 1, got 2");
}

TEST(Validate, RefusesALinkFromAHostToItself) {
  TopologyBuilder b;
  b.host("a").iface("eth0", "10.0.0.1/24").iface("eth1", "10.0.1.1/24");
  b.link("a:eth0", "a:eth1");
  EXPECT_EQ(build_error(b), R"(link[0].b: a link from "a" to itself)");
}

TEST(Validate, RefusesAnAppOnASwitch) {
  TopologyBuilder b;
  b.sw("sw1");
  b.app("sw1", "tcp-sink").port(1);
  EXPECT_EQ(build_error(b), R"(app[0].host: "sw1" is a switch; apps run on hosts)");
}

TEST(Validate, RefusesOutOfRangeNumbers) {
  TopologyBuilder mtu;
  mtu.host("a").iface("eth0", "10.0.0.1/24").mtu(9001);
  EXPECT_EQ(build_error(mtu), "host[0].iface[0].mtu: expected an MTU from 68 to 9000, got 9001");

  TopologyBuilder size;
  size.host("a").iface("eth0", "10.0.0.1/24");
  size.app("a", "ping").to("10.0.0.2").size(65'508);
  EXPECT_THAT(build_error(size), HasSubstr("app[0].size: expected at most 65507 bytes"));

  TopologyBuilder queue;
  queue.host("a").iface("eth0", "10.0.0.1/24");
  queue.host("b").iface("eth0", "10.0.0.2/24");
  queue.link("a:eth0", "b:eth0").queue(0);
  EXPECT_THAT(build_error(queue), HasSubstr("link[0].queue: expected a queue of 1 to 1000000 frames"));

  TopologyBuilder count;
  count.host("a").iface("eth0", "10.0.0.1/24");
  count.app("a", "udp-send").to("10.0.0.2:9").count(0);
  EXPECT_THAT(build_error(count), HasSubstr("app[0].count: expected a count of at least 1"));

  TopologyBuilder url;
  url.host("a").iface("eth0", "10.0.0.1/24");
  url.app("a", "http-get").url("ftp://x/");
  EXPECT_THAT(build_error(url), HasSubstr("app[0].url: expected a URL like"));
}

TEST(Validate, RefusesNamesWithColons) {
  TopologyBuilder b;
  b.host("a:b");
  EXPECT_THAT(build_error(b), HasSubstr("host[0].name: name \"a:b\" must not contain ':'"));
}

TEST(DerivedMac, IsStableLocallyAdministeredUnicastAndDistinct) {
  wire::MacAddress mac = derived_mac("client", "eth0");
  EXPECT_EQ(mac, derived_mac("client", "eth0"));
  EXPECT_EQ(mac.octets[0], 0x02);
  EXPECT_FALSE(mac.is_multicast());
  // Fixed by FNV-1a of "client:eth0": a changed hash would change every capture's addresses.
  EXPECT_EQ(mac.to_string(), "02:5d:0e:df:e6:64");
  std::set<wire::MacAddress> seen;
  for (int h = 0; h < 100; ++h)
    for (int i = 0; i < 4; ++i) seen.insert(derived_mac("h" + std::to_string(h), "eth" + std::to_string(i)));
  EXPECT_EQ(seen.size(), 400u);
  EXPECT_NE(derived_mac("ab", "c"), derived_mac("a", "bc"));
}

TEST(ParseAppTarget, TakesAnAddressWithAnOptionalPort) {
  auto plain = parse_app_target("10.0.0.2");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->addr, wire::Ipv4Address::from_octets(10, 0, 0, 2));
  EXPECT_FALSE(plain->port.has_value());
  auto with_port = parse_app_target("10.0.0.2:5001");
  ASSERT_TRUE(with_port.has_value());
  EXPECT_EQ(with_port->port, 5001);
  for (std::string_view bad : {"10.0.0.2:", "10.0.0.2:0", "10.0.0.2:65536", "10.0.0.2:5x", "host:80", ""})
    EXPECT_FALSE(parse_app_target(bad).has_value()) << bad;
}

TEST(AppKinds, ListTheDesignsKindsAndKeys) {
  EXPECT_EQ(app_kinds().size(), 9u);
  EXPECT_EQ(app_keys("ping"), (std::vector<std::string_view>{"to", "count", "size", "interval"}));
  EXPECT_EQ(app_keys("http-get"), (std::vector<std::string_view>{"url", "out"}));
  EXPECT_TRUE(app_keys("nope").empty());
}

}  // namespace
}  // namespace strata::sim::net
