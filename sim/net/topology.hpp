// SPDX-License-Identifier: MIT
// A network described as plain values: hosts (with interfaces and routes), switches, links, apps. The scenario
// loader produces one from a TOML file; tests build one in C++ with TopologyBuilder. sim::Simulation turns it
// into running hosts, links and apps. Where a value came from a file, `where` says "file:line" for errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stack/core/time.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::sim::net {

struct IfaceSpec {
  std::string name = "eth0";
  wire::Ipv4Cidr addr{};
  wire::MacAddress mac{};  // always set: the loader and the builder derive one from host:iface when absent
  std::uint16_t mtu = 1500;
  std::string where;
};

struct RouteSpec {
  wire::Ipv4Cidr dest{};
  wire::Ipv4Address via{};  // 0.0.0.0: on-link (directly connected)
  std::string where;
};

struct HostSpec {
  std::string name;
  bool forward = false;  // true: a router
  std::vector<IfaceSpec> ifaces;
  std::vector<RouteSpec> routes;
  std::string where;
};

struct SwitchSpec {
  std::string name;
  core::Duration aging = std::chrono::seconds(300);
  std::string where;
};

/// One end of a link: "host:iface" or a switch name (iface empty).
struct LinkEndSpec {
  std::string node;
  std::string iface;
  std::string text() const { return iface.empty() ? node : node + ":" + iface; }
};

struct FaultSpec {
  double loss = 0, reorder = 0, duplicate = 0, corrupt = 0;  // probabilities per frame, each direction
};

struct LinkSpec {
  LinkEndSpec a, b;
  std::uint64_t rate_bps = 0;  // 0: no serialization delay
  core::Duration delay{0};     // propagation, one way
  std::size_t queue = 100;     // frames, drop-tail, per direction
  FaultSpec faults;
  std::string where;
};

/// An app's parameters; which ones a kind takes (and their defaults) is the app registry's business.
struct AppSpec {
  std::string host;
  std::string kind;
  core::Duration at{0};
  std::optional<wire::Ipv4Address> to_addr;
  std::optional<std::uint16_t> to_port;
  std::optional<std::uint16_t> port;
  std::optional<std::uint64_t> count;
  std::optional<std::uint64_t> size;   // bytes
  std::optional<std::uint64_t> bytes;  // bytes
  std::optional<core::Duration> interval;
  std::optional<std::string> message, url, out, root;
  std::string where;
};

struct Topology {
  std::uint64_t seed = 1;
  std::optional<core::Duration> until;
  std::vector<HostSpec> hosts;
  std::vector<SwitchSpec> switches;
  std::vector<LinkSpec> links;
  std::vector<AppSpec> apps;
};

/// The MAC an interface gets when none is given: locally administered, unicast, from a hash of "host:iface".
wire::MacAddress derived_mac(const std::string& host, const std::string& iface);

}  // namespace strata::sim::net
