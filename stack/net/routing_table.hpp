// SPDX-License-Identifier: MIT
// The IPv4 routing table: longest-prefix match over a small bounded list, a default route as 0.0.0.0/0.
#pragma once

#include <optional>
#include <vector>

#include "stack/core/ids.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::net {

struct Route {
  wire::Ipv4Cidr dest;
  std::optional<wire::Ipv4Address> via;  // none: on-link (connected)
  core::NicId nic;
  std::uint32_t metric = 0;
};

struct RouteMatch {
  core::NicId nic;
  wire::Ipv4Address next_hop;
  const Route* route = nullptr;
};

class RoutingTable {
 public:
  static constexpr std::size_t kMaxRoutes = 1024;

  /// False when the table is full. A route to the same destination on the same NIC replaces the old one.
  bool add(const Route& r);
  bool remove(wire::Ipv4Cidr dest, core::NicId nic);
  /// Longest prefix wins; equal prefixes: lower metric, then the earlier route. Inline: on every send, and
  /// an optional returned from an out-of-line call goes through memory.
  std::optional<RouteMatch> lookup(wire::Ipv4Address dst) const {
    // RFC 1812 §5.2.4.3: the longest matching prefix; routes_ is kept in that order.
    for (const auto& r : routes_)
      if (r.dest.contains(dst)) return RouteMatch{r.nic, r.via.value_or(dst), &r};
    return std::nullopt;
  }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;  // sorted by prefix length, longest first, then metric
};

}  // namespace strata::net
