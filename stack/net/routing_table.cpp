// SPDX-License-Identifier: MIT
#include "stack/net/routing_table.hpp"

#include <algorithm>

namespace strata::net {

bool RoutingTable::add(const Route& r) {
  Route norm = r;
  norm.dest.address = r.dest.network();
  for (auto it = routes_.begin(); it != routes_.end(); ++it)
    if (it->dest == norm.dest && it->nic == norm.nic) {
      if (it->metric == norm.metric) {
        *it = norm;
        return true;
      }
      routes_.erase(it);  // a new metric: re-inserted below where the order says, so lookup() stays right
      break;
    }
  if (routes_.size() >= kMaxRoutes) return false;
  auto pos = std::find_if(routes_.begin(), routes_.end(), [&](const Route& e) {
    return e.dest.prefix < norm.dest.prefix || (e.dest.prefix == norm.dest.prefix && e.metric > norm.metric);
  });
  routes_.insert(pos, norm);
  return true;
}

bool RoutingTable::remove(wire::Ipv4Cidr dest, core::NicId nic) {
  dest.address = dest.network();
  return std::erase_if(routes_, [&](const Route& e) { return e.dest == dest && e.nic == nic; }) > 0;
}

}  // namespace strata::net
