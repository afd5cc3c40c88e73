// SPDX-License-Identifier: MIT
// The bundled scenarios (sim/scenarios/*.toml) run to the outcome their comment headers promise, and a run
// is a pure function of scenario and seed: two runs give byte-identical summaries and pcaps.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/simulation.hpp"
#include "sim/scenario/summary.hpp"

namespace strata::sim {
namespace {

std::string scenario_path(const std::string& name) {
  std::string path = STRATA_SOURCE_DIR;  // appended piece by piece: GCC 12's -Wrestrict misfires on "+"
  path += "/sim/scenarios/";
  path += name;
  path += ".toml";
  return path;
}

std::unique_ptr<Simulation> load_and_run(const std::string& name, SimOptions options = {}) {
  auto topology = scenario::load_scenario_file(scenario_path(name));
  EXPECT_TRUE(topology.ok()) << (topology.ok() ? "" : topology.error().text());
  if (!topology.ok()) return nullptr;
  std::string error;
  auto sim = Simulation::create(topology.value(), options, error);
  EXPECT_TRUE(sim) << error;
  if (!sim) return nullptr;
  sim->run();
  sim->flush_pcaps();
  return sim;
}

std::uint64_t counter(Simulation& sim, const std::string& host, const std::string& name) {
  auto* h = sim.find_host(host);
  EXPECT_NE(h, nullptr) << host;
  return h ? h->counters().get(name) : 0;
}

const AppReport* app(const std::vector<AppReport>& apps, const std::string& host, const std::string& kind) {
  for (const auto& a : apps)
    if (a.host == host && a.kind == kind) return &a;
  return nullptr;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(BundledScenarios, PingThroughRouter) {
  auto sim = load_and_run("ping-through-router");
  ASSERT_TRUE(sim);
  const auto apps = sim->app_reports();
  const auto* ping = app(apps, "client", "ping");
  ASSERT_NE(ping, nullptr);
  EXPECT_TRUE(ping->result.ok) << ping->result.error.value_or("");
  EXPECT_EQ(ping->result.bytes_sent, 4u * 56);
  EXPECT_EQ(ping->result.bytes_received, 4u * 56);
  // ARP on both sides of the router, then four forwarded requests and four forwarded replies.
  // (arp.request_tx counts the gratuitous announcement too.)
  EXPECT_EQ(counter(*sim, "client", "arp.request_tx") - counter(*sim, "client", "arp.gratuitous_tx"), 1u);
  EXPECT_EQ(counter(*sim, "r1", "arp.request_tx") - counter(*sim, "r1", "arp.gratuitous_tx"), 1u);
  EXPECT_EQ(counter(*sim, "r1", "ipv4.forwarded"), 8u);
  EXPECT_EQ(counter(*sim, "server", "icmp.echo_reply_tx"), 4u);
  EXPECT_EQ(counter(*sim, "client", "icmp.echo_reply_rx"), 4u);
  EXPECT_EQ(sim->end_time(), core::Instant(std::chrono::seconds(10)));
}

TEST(BundledScenarios, UdpEcho) {
  auto sim = load_and_run("udp-echo");
  ASSERT_TRUE(sim);
  const auto apps = sim->app_reports();
  const auto* client = app(apps, "client", "udp-send");
  const auto* server = app(apps, "server", "udp-echo");
  ASSERT_TRUE(client && server);
  EXPECT_TRUE(client->result.ok);
  EXPECT_EQ(client->result.bytes_sent, 500u);
  EXPECT_EQ(client->result.bytes_received, 500u);
  EXPECT_EQ(client->result.verified, std::optional<bool>(true));
  EXPECT_TRUE(server->result.ok);
  EXPECT_EQ(server->result.bytes_received, 500u);
  EXPECT_EQ(counter(*sim, "server", "udp.delivered"), 5u);
  EXPECT_EQ(counter(*sim, "client", "arp.queued"), 1u);  // only the first datagram waited for ARP
}

TEST(BundledScenarios, Fragmentation) {
  auto sim = load_and_run("fragmentation");
  ASSERT_TRUE(sim);
  const auto apps = sim->app_reports();
  const auto* client = app(apps, "client", "udp-send");
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->result.ok);
  EXPECT_EQ(client->result.bytes_sent, 3u * 4000);
  EXPECT_EQ(client->result.bytes_received, 3u * 4000);
  // 4008 bytes of UDP in 1500-byte packets: 3 fragments each way at the client...
  EXPECT_EQ(counter(*sim, "client", "ipv4.fragmented"), 3u);
  EXPECT_EQ(counter(*sim, "client", "ipv4.fragment_tx"), 9u);
  // ...cut again by the router to fit 576 bytes, and reassembled whole at the server.
  EXPECT_GT(counter(*sim, "r1", "ipv4.fragment_tx"), 9u);
  EXPECT_EQ(counter(*sim, "server", "ipv4.reassembled"), 3u);
  EXPECT_EQ(counter(*sim, "client", "ipv4.reassembled"), 3u);
}

TEST(BundledScenarios, LossyUdp) {
  auto sim = load_and_run("lossy-udp");
  ASSERT_TRUE(sim);
  const auto links = sim->link_reports();
  ASSERT_EQ(links.size(), 1u);
  const auto& out = links[0].a_to_b.faults;
  // 200 datagrams (+ ARP) at loss 0.1 and duplicate 0.05: counts within wide bounds for this seed.
  EXPECT_GT(out.lost, 5u);
  EXPECT_LT(out.lost, 45u);
  EXPECT_GT(out.duplicated, 1u);
  EXPECT_LT(out.duplicated, 25u);
  EXPECT_EQ(links[0].dropped, links[0].a_to_b.dropped() + links[0].b_to_a.dropped());
  const auto apps = sim->app_reports();
  const auto* client = app(apps, "client", "udp-send");
  const auto* server = app(apps, "server", "udp-echo");
  ASSERT_TRUE(client && server);
  EXPECT_TRUE(client->result.ok);
  EXPECT_EQ(client->result.bytes_sent, 200u * 200);
  EXPECT_LT(client->result.bytes_received, client->result.bytes_sent);
  EXPECT_GT(client->result.bytes_received, 0u);
  // What reached the server: sent - lost + duplicated (ARP frames aside, all frames are datagrams).
  EXPECT_EQ(counter(*sim, "server", "udp.delivered") * 200, server->result.bytes_received);
}

TEST(BundledScenarios, SwitchedLan) {
  auto sim = load_and_run("switched-lan");
  ASSERT_TRUE(sim);
  const auto apps = sim->app_reports();
  for (const auto& a : apps)
    EXPECT_TRUE(a.result.ok) << a.host << " " << a.kind << " " << a.result.error.value_or("");
  const auto switches = sim->switch_reports();
  ASSERT_EQ(switches.size(), 1u);
  EXPECT_GT(switches[0].stats.flooded, 0u);     // ARP broadcasts
  EXPECT_GT(switches[0].stats.forwarded, 20u);  // learned unicast
  // After learning, h1 never hears h3/h4's unicast: it only received broadcasts and its own ping replies.
  EXPECT_EQ(counter(*sim, "h1", "udp.rx"), 0u);
  EXPECT_EQ(counter(*sim, "h2", "udp.rx"), 0u);
  EXPECT_EQ(counter(*sim, "h4", "udp.delivered"), 10u);
  EXPECT_EQ(counter(*sim, "h1", "arp.request_tx") - counter(*sim, "h1", "arp.gratuitous_tx"), 1u);
}

TEST(Determinism, SameSeedGivesByteIdenticalSummaryAndPcaps) {
  const auto dir = std::filesystem::temp_directory_path() / ("strata-det-" + std::to_string(::getpid()));
  std::string summaries[2];
  for (int run = 0; run < 2; ++run) {
    SimOptions o;
    o.pcap_dir = (dir / std::to_string(run)).string();
    auto sim = load_and_run("lossy-udp", o);
    ASSERT_TRUE(sim);
    summaries[run] = summary_json(*sim);
  }
  EXPECT_EQ(summaries[0], summaries[1]);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "0")) {
    const auto other = dir / "1" / e.path().filename();
    ASSERT_TRUE(std::filesystem::exists(other)) << other;
    const auto a = read_file(e.path()), b = read_file(other);
    EXPECT_GT(a.size(), 24u) << e.path();
    EXPECT_EQ(a, b) << e.path().filename();
    ++files;
  }
  EXPECT_EQ(files, 2u);  // client-eth0.pcap, server-eth0.pcap
  std::filesystem::remove_all(dir);
}

TEST(Determinism, AnotherSeedGivesAnotherRun) {
  SimOptions a, b;
  a.seed = 1;
  b.seed = 2;
  auto s1 = load_and_run("lossy-udp", a);
  auto s2 = load_and_run("lossy-udp", b);
  ASSERT_TRUE(s1 && s2);
  EXPECT_NE(summary_json(*s1), summary_json(*s2));
}

}  // namespace
}  // namespace strata::sim
