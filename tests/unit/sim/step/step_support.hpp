// SPDX-License-Identifier: MIT
// Scenarios for the stepper's tests, built in C++ with the TopologyBuilder, and a way to drive a Stepper with
// a script held in a string.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sim/net/topology.hpp"
#include "sim/scenario/simulation.hpp"
#include "sim/step/stepper.hpp"

namespace strata::sim::step::testing {

using namespace std::chrono_literals;

/// client 10.0.0.1/24 --- 1 ms --- server 10.0.0.2/24; the client pings the server once at 100 ms (after the
/// gratuitous ARP announcements made when the interfaces came up have arrived).
inline net::Topology ping_pair() {
  net::TopologyBuilder b;
  b.seed(7);
  b.host("client").iface("eth0", "10.0.0.1/24");
  b.host("server").iface("eth0", "10.0.0.2/24");
  b.link("client:eth0", "server:eth0").delay(1ms);
  b.app("client", "ping").to("10.0.0.2").count(1).size(56).interval(1s).at(100ms);
  return b.build();
}

/// The same pair with a UDP echo server on port 7 and two 100-byte datagrams from the client at 10 ms and 110
/// ms.
inline net::Topology udp_echo_pair() {
  net::TopologyBuilder b;
  b.seed(7);
  b.host("client").iface("eth0", "10.0.0.1/24");
  b.host("server").iface("eth0", "10.0.0.2/24");
  b.link("client:eth0", "server:eth0").delay(1ms);
  b.app("server", "udp-echo").port(7).at(0ms);
  b.app("client", "udp-send").to("10.0.0.2:7").count(2).size(100).interval(100ms).at(10ms);
  return b.build();
}

inline SimulationFactory factory_for(net::Topology topology) {
  auto shared = std::make_shared<const net::Topology>(std::move(topology));
  return [shared](core::TraceSink* sink) {
    std::string error;
    SimOptions options;
    options.trace = sink;
    return Simulation::create(*shared, options, error);
  };
}

/// Runs a script (one command per line) and returns the transcript, each command echoed as "(strata) CMD".
inline std::string run_script(Stepper& stepper, const std::string& script) {
  std::istringstream in(script);
  std::ostringstream out;
  StreamLineSource source(in, true);
  stepper.run(source, out);
  return out.str();
}

/// Runs one command and returns what it printed.
inline std::string exec(Stepper& stepper, const std::string& command) {
  std::ostringstream out;
  stepper.execute(command, out);
  return out.str();
}

/// "client icmp tx send", "server socket none socket_call:recvfrom": the boundary as a test compares it.
inline std::string key(const Stepper& stepper, const RecordedEvent& e) {
  std::string s = std::string(stepper.recorder().host_name(e.host)) + " " + std::string(core::name(e.layer)) +
                  " " + std::string(core::name(e.dir)) + " " + std::string(core::name(e.kind));
  if (e.has_call) s += ":" + e.call.call;
  return s;
}

}  // namespace strata::sim::step::testing
