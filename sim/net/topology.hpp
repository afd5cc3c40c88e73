// SPDX-License-Identifier: MIT
// A network described as plain values: hosts (with interfaces and routes), switches, links, apps. The
// scenario loader produces one from a TOML file; tests build one in C++ with TopologyBuilder. sim::Simulation
// turns it into running hosts, links and apps. Where a value came from a file, `where` says "file:line" for
// errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  bool operator==(const IfaceSpec&) const = default;
};

struct RouteSpec {
  wire::Ipv4Cidr dest{};
  wire::Ipv4Address via{};  // 0.0.0.0: on-link (directly connected)
  std::string where;
  bool operator==(const RouteSpec&) const = default;
};

struct HostSpec {
  std::string name;
  bool forward = false;  // true: a router
  std::vector<IfaceSpec> ifaces;
  std::vector<RouteSpec> routes;
  std::string where;
  bool operator==(const HostSpec&) const = default;
};

struct SwitchSpec {
  std::string name;
  core::Duration aging = std::chrono::seconds(300);
  std::string where;
  bool operator==(const SwitchSpec&) const = default;
};

/// One end of a link: "host:iface" or a switch name (iface empty).
struct LinkEndSpec {
  std::string node;
  std::string iface;
  std::string text() const { return iface.empty() ? node : node + ":" + iface; }
  bool operator==(const LinkEndSpec&) const = default;
};

struct FaultSpec {
  double loss = 0, reorder = 0, duplicate = 0, corrupt = 0;  // probabilities per frame, each direction
  bool operator==(const FaultSpec&) const = default;
};

struct LinkSpec {
  LinkEndSpec a, b;
  std::uint64_t rate_bps = 0;  // 0: no serialization delay
  core::Duration delay{0};     // propagation, one way
  std::size_t queue = 100;     // frames, drop-tail, per direction
  FaultSpec faults;
  std::string where;
  bool operator==(const LinkSpec&) const = default;
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
  bool operator==(const AppSpec&) const = default;
};

struct Topology {
  std::uint64_t seed = 1;
  std::optional<core::Duration> until;
  std::vector<HostSpec> hosts;
  std::vector<SwitchSpec> switches;
  std::vector<LinkSpec> links;
  std::vector<AppSpec> apps;
  bool operator==(const Topology&) const = default;  // `where` included: compare provenance-free copies
};

/// The MAC an interface gets when none is given: locally administered, unicast, from a hash of "host:iface".
wire::MacAddress derived_mac(const std::string& host, const std::string& iface);

// ---- Limits shared by the loader, the builder and validate() ----

inline constexpr std::uint16_t kMinMtu = 68;    // RFC 791: every IPv4 module must take 68 octets unfragmented
inline constexpr std::uint16_t kMaxMtu = 9000;  // jumbo frames
/// Caps on hosts, switches, links and apps each (and routes per host): a runaway file is an error, not an
/// hour.
inline constexpr std::size_t kMaxEntries = 10'000;
inline constexpr std::size_t kMaxIfacesPerHost = 1'000;
inline constexpr std::size_t kMaxQueue = 1'000'000;      // frames per link direction
inline constexpr std::uint64_t kMaxUdpPayload = 65'507;  // 65535 - 20 (IPv4) - 8 (UDP or ICMP echo header)
/// Cap on every time in a scenario (until, at, delay, interval, aging) and on --until: 10^9 s, about 31
/// years. why: virtual time is int64 nanoseconds (292 years); keeping the run's clock far below that lets the
/// stack and the apps add their timeouts to `now` without overflowing.
inline constexpr core::Duration kMaxTime = std::chrono::seconds(1'000'000'000);
inline constexpr std::string_view kMaxTimeText = "1000000000s (about 31 years)";

/// An app's `to`: "A.B.C.D" or "A.B.C.D:PORT".
struct AppTarget {
  wire::Ipv4Address addr;
  std::optional<std::uint16_t> port;
};
/// nullopt unless the text is exactly an address with an optional port 1..65535.
std::optional<AppTarget> parse_app_target(std::string_view text);

/// App kinds (DESIGN.md §6) and the keys each takes beyond host, kind and at, in the order the design lists
/// them.
std::vector<std::string_view> app_kinds();
std::vector<std::string_view> app_keys(std::string_view kind);  // empty for an unknown kind

/// A semantic error in a Topology. `key` is the path to the offending value in scenario-file terms
/// ("link[2].a", "host[0].iface[1].mac", "app[3].port", 0-based like toml++'s paths) so the loader can point
/// at its line; `where` is the "file:line" of the entry it belongs to (empty for a built topology).
struct TopologyError {
  std::string where;
  std::string key;
  std::string message;
  /// "where: key: message", without the where when it is empty.
  std::string text() const;
};

/// The checks the loader and the builder share, first error in file order: names (unique across hosts and
/// switches, no ':'), interfaces (address a host address, MAC unicast and unique, address unique,
/// MTU 68..9000), routes (destination a network, gateway inside one of the host's subnets), links (known
/// ends, an interface on one link only, not to itself, probabilities in [0,1], queue >= 1), apps (known host
/// and kind, only the keys the kind takes, the keys it needs, `to` with or without a port as the kind wants),
/// caps on counts.
std::optional<TopologyError> validate(const Topology& topology);

// ---- TopologyBuilder: the same network in C++, for tests ----
//
//   TopologyBuilder b;
//   b.seed(7).host("client").iface("eth0", "10.0.0.1/24").route("0.0.0.0/0", "10.0.0.254");
//   b.router("r1").iface("eth0", "10.0.0.254/24").iface("eth1", "10.0.1.254/24");
//   b.sw("sw1");
//   b.link("client:eth0", "r1:eth0").rate_bps(100'000'000).delay(10ms).loss(0.01);
//   b.app("client", "ping").to("10.0.1.2").count(3);
//   Topology t = b.build();
//
// Text the builder cannot parse (an address, a MAC) throws std::invalid_argument at once; build() runs
// validate() and throws std::invalid_argument with the error's text. Handles hold the builder and an index,
// so they stay valid as more entries are added; mac()/mtu() apply to the interface added last.

class TopologyBuilder;

class HostBuilder {
 public:
  HostBuilder(TopologyBuilder& builder, std::size_t index) : builder_(&builder), index_(index) {}
  HostBuilder& forward(bool on = true);
  /// Adds an interface with its address ("10.0.0.1/24") and the derived MAC.
  HostBuilder& iface(const std::string& name, std::string_view cidr);
  HostBuilder& mac(std::string_view mac);
  HostBuilder& mtu(std::uint16_t mtu);
  /// via "" or "0.0.0.0": on-link.
  HostBuilder& route(std::string_view dest_cidr, std::string_view via = "");

 private:
  HostSpec& spec();
  TopologyBuilder* builder_;
  std::size_t index_;
};

class SwitchBuilder {
 public:
  SwitchBuilder(TopologyBuilder& builder, std::size_t index) : builder_(&builder), index_(index) {}
  SwitchBuilder& aging(core::Duration aging);

 private:
  TopologyBuilder* builder_;
  std::size_t index_;
};

class LinkBuilder {
 public:
  LinkBuilder(TopologyBuilder& builder, std::size_t index) : builder_(&builder), index_(index) {}
  LinkBuilder& rate_bps(std::uint64_t bits_per_second);
  LinkBuilder& delay(core::Duration one_way);
  LinkBuilder& queue(std::size_t frames);
  LinkBuilder& loss(double p);
  LinkBuilder& reorder(double p);
  LinkBuilder& duplicate(double p);
  LinkBuilder& corrupt(double p);

 private:
  LinkSpec& spec();
  TopologyBuilder* builder_;
  std::size_t index_;
};

class AppBuilder {
 public:
  AppBuilder(TopologyBuilder& builder, std::size_t index) : builder_(&builder), index_(index) {}
  AppBuilder& at(core::Duration start);
  AppBuilder& to(std::string_view target);  // "A.B.C.D" or "A.B.C.D:PORT"
  AppBuilder& port(std::uint16_t port);
  AppBuilder& count(std::uint64_t count);
  AppBuilder& size(std::uint64_t bytes);
  AppBuilder& bytes(std::uint64_t bytes);
  AppBuilder& interval(core::Duration interval);
  AppBuilder& message(std::string text);
  AppBuilder& url(std::string url);
  AppBuilder& out(std::string path);
  AppBuilder& root(std::string path);

 private:
  AppSpec& spec();
  TopologyBuilder* builder_;
  std::size_t index_;
};

class TopologyBuilder {
 public:
  TopologyBuilder& seed(std::uint64_t seed);
  TopologyBuilder& until(core::Duration until);
  HostBuilder host(std::string name);
  HostBuilder router(std::string name);  // a host with forward = true
  SwitchBuilder sw(std::string name);
  /// Ends are "host:iface" or a switch name.
  LinkBuilder link(std::string_view a, std::string_view b);
  AppBuilder app(std::string host, std::string kind);
  /// The topology so far, validated; the builder stays usable.
  Topology build() const;
  /// The topology so far, not validated (tests of validate() itself).
  const Topology& peek() const { return topology_; }

 private:
  friend class HostBuilder;
  friend class SwitchBuilder;
  friend class LinkBuilder;
  friend class AppBuilder;
  Topology topology_;
};

}  // namespace strata::sim::net
