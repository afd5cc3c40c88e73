// SPDX-License-Identifier: MIT
// BM_SimUdpEndToEnd (DESIGN.md §8): wall time per 64-byte datagram from one host's socket through its stack,
// a link, a learning switch, a second link and the receiving stack into the receiving socket, with the
// simulator's machinery (scheduler events, link timing, switch learning, host settling) in the loop and
// pcaps off. The sending and receiving "apps" are the benchmark loop itself, making the same socket calls
// an app makes (advance to the engine's now, sendto; recvfrom once the socket polls readable). Goal: at most
// 4x BM_RxUdp/64 in the same run (the simulator never dominates the stacks it runs), no allocation per
// datagram.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

#include "sim/net/topology.hpp"
#include "sim/scenario/simulation.hpp"

std::uint64_t strata_bench_allocations();

namespace {

namespace core = strata::core;
namespace sock = strata::socket;
namespace net = strata::sim::net;
namespace wire = strata::wire;

net::Topology two_hosts_on_a_switch() {
  net::Topology t;
  t.seed = 1;
  for (int i = 1; i <= 2; ++i) {
    net::HostSpec h;
    h.name = "h";  // not "h" + std::to_string(i): GCC 12's -Wrestrict misfires on it
    h.name += std::to_string(i);
    net::IfaceSpec ifc;
    ifc.name = "eth0";
    ifc.addr = *wire::Ipv4Cidr::parse("10.0.0." + std::to_string(i) + "/24");
    ifc.mac = net::derived_mac(h.name, "eth0");
    h.ifaces.push_back(ifc);
    t.hosts.push_back(h);
    net::LinkSpec l;
    l.a = {h.name, "eth0"};
    l.b = {"sw1", ""};
    l.rate_bps = 10'000'000'000;
    l.delay = std::chrono::microseconds(1);
    t.links.push_back(l);
  }
  t.switches.push_back(net::SwitchSpec{"sw1", std::chrono::seconds(300), ""});
  return t;
}

void BM_SimUdpEndToEnd(benchmark::State& state) {
  std::string error;
  auto sim = strata::sim::Simulation::create(two_hosts_on_a_switch(), {}, error);
  if (!sim) {
    state.SkipWithError(error.c_str());
    return;
  }
  auto& a = sim->host(0);
  auto& b = sim->host(1);
  const int tx = a.sockets().socket(sock::kAfInet, sock::kSockDgram).value();
  const int rx = b.sockets().socket(sock::kAfInet, sock::kSockDgram).value();
  (void)b.sockets().bind(rx, {*wire::Ipv4Address::parse("10.0.0.2"), 7});
  const sock::SockAddrIn to{*wire::Ipv4Address::parse("10.0.0.2"), 7};
  std::array<std::byte, 64> payload{};
  std::array<std::byte, 2048> buf{};

  // One datagram: send at the engine's now, run events until it is in the receiving socket, read it.
  auto one = [&]() -> bool {
    a.advance(sim->now());
    if (!a.sockets().sendto(tx, payload, to).ok()) return false;
    // As a blocked app is resumed: its socket is polled after each event (Simulation's AppRunner does the
    // same), and recvfrom is called once it is readable.
    for (int guard = 0; guard < 64; ++guard) {
      const auto ev = b.sockets().poll(rx);
      if (ev.ok() && (ev.value() & sock::kPollIn) != 0) {
        auto got = b.sockets().recvfrom(rx, buf, nullptr);
        return got.ok() && got.value() == payload.size();
      }
      if (!sim->run_one()) return false;
    }
    return false;
  };
  // Warm up: ARP, switch learning, pool slots and scheduler storage at their high-water marks.
  for (int i = 0; i < 1000; ++i)
    if (!one()) {
      state.SkipWithError("warm-up datagram did not arrive");
      return;
    }
  const auto news_before = strata_bench_allocations();
  std::uint64_t delivered = 0;
  for (auto _ : state) delivered += one() ? 1 : 0;
  const auto news = strata_bench_allocations() - news_before;
  if (delivered != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("a datagram was lost");
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
  state.counters["allocs_per_datagram"] = benchmark::Counter(
      static_cast<double>(news) / static_cast<double>(std::max<std::uint64_t>(delivered, 1)));
  state.counters["events_per_datagram"] =
      benchmark::Counter(static_cast<double>(sim->events()) / static_cast<double>(delivered + 1000));
}
BENCHMARK(BM_SimUdpEndToEnd);

}  // namespace
