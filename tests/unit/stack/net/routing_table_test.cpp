// SPDX-License-Identifier: MIT
// RoutingTable: longest-prefix match (RFC 1812 §5.2.4.3), default route, metrics, replace/remove, the cap.
#include "stack/net/routing_table.hpp"

#include <gtest/gtest.h>

#include "tests/support/frame_builder.hpp"

namespace {

using namespace strata;
using namespace strata::test;
using core::NicId;
using net::Route;
using net::RoutingTable;

const NicId kNic0{0}, kNic1{1}, kNic2{2};

Route connected(std::string_view dest, NicId nic, std::uint32_t metric = 0) {
  return Route{cidr(dest), std::nullopt, nic, metric};
}
Route via(std::string_view dest, std::string_view gateway, NicId nic, std::uint32_t metric = 0) {
  return Route{cidr(dest), ip(gateway), nic, metric};
}

TEST(RoutingTable, FindsNothingWhenEmpty) {
  RoutingTable t;
  EXPECT_FALSE(t.lookup(ip("10.0.0.1")).has_value());
}

TEST(RoutingTable, AConnectedRouteHasTheDestinationAsNextHop) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic0)));
  auto m = t.lookup(ip("10.0.0.42"));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->nic, kNic0);
  EXPECT_EQ(m->next_hop, ip("10.0.0.42"));
  ASSERT_NE(m->route, nullptr);
  EXPECT_EQ(m->route->dest, cidr("10.0.0.0/24"));
  EXPECT_FALSE(t.lookup(ip("10.0.1.1")).has_value());
}

TEST(RoutingTable, AGatewayRouteHasTheGatewayAsNextHop) {
  RoutingTable t;
  ASSERT_TRUE(t.add(via("192.168.0.0/16", "10.0.0.254", kNic1)));
  auto m = t.lookup(ip("192.168.7.7"));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->nic, kNic1);
  EXPECT_EQ(m->next_hop, ip("10.0.0.254"));
}

TEST(RoutingTable, TheLongestPrefixWinsWhateverTheOrderOfInsertion) {
  for (int order = 0; order < 2; ++order) {
    RoutingTable t;
    std::vector<Route> routes = {connected("10.0.0.0/8", kNic0), connected("10.1.0.0/16", kNic1),
                                 connected("10.1.2.0/24", kNic2)};
    if (order == 1) std::reverse(routes.begin(), routes.end());
    for (const auto& r : routes) ASSERT_TRUE(t.add(r));
    EXPECT_EQ(t.lookup(ip("10.1.2.3"))->nic, kNic2);
    EXPECT_EQ(t.lookup(ip("10.1.3.3"))->nic, kNic1);
    EXPECT_EQ(t.lookup(ip("10.2.3.3"))->nic, kNic0);
    EXPECT_FALSE(t.lookup(ip("11.0.0.1")).has_value());
  }
}

TEST(RoutingTable, TheDefaultRouteCatchesEverythingElse) {
  RoutingTable t;
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.0.254", kNic0)));
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic0)));
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->next_hop, ip("10.0.0.254"));
  EXPECT_EQ(t.lookup(ip("255.255.255.255"))->next_hop, ip("10.0.0.254"));
  EXPECT_EQ(t.lookup(ip("0.0.0.0"))->next_hop, ip("10.0.0.254"));
  EXPECT_EQ(t.lookup(ip("10.0.0.9"))->next_hop, ip("10.0.0.9"));
}

TEST(RoutingTable, AHostRouteMatchesOnlyItsAddress) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic0)));
  ASSERT_TRUE(t.add(via("10.0.0.77/32", "10.0.0.1", kNic1)));
  EXPECT_EQ(t.lookup(ip("10.0.0.77"))->nic, kNic1);
  EXPECT_EQ(t.lookup(ip("10.0.0.76"))->nic, kNic0);
  EXPECT_EQ(t.lookup(ip("10.0.0.78"))->nic, kNic0);
}

TEST(RoutingTable, EqualPrefixesPreferTheLowerMetric) {
  for (int order = 0; order < 2; ++order) {
    RoutingTable t;
    auto high = via("0.0.0.0/0", "10.0.0.254", kNic0, 100);
    auto low = via("0.0.0.0/0", "10.0.1.254", kNic1, 10);
    ASSERT_TRUE(t.add(order == 0 ? high : low));
    ASSERT_TRUE(t.add(order == 0 ? low : high));
    auto m = t.lookup(ip("8.8.8.8"));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->nic, kNic1) << "order " << order;
    EXPECT_EQ(m->next_hop, ip("10.0.1.254"));
  }
}

TEST(RoutingTable, EqualPrefixesAndMetricsPreferTheEarlierRoute) {
  RoutingTable t;
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.0.254", kNic0, 5)));
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.1.254", kNic1, 5)));
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->nic, kNic0);
}

TEST(RoutingTable, AMoreSpecificPrefixBeatsALowerMetric) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.0/8", kNic0, 0)));
  ASSERT_TRUE(t.add(connected("10.1.0.0/16", kNic1, 1000)));
  EXPECT_EQ(t.lookup(ip("10.1.0.1"))->nic, kNic1);
}

TEST(RoutingTable, ARouteToTheSameDestinationOnTheSameNicReplacesTheOld) {
  RoutingTable t;
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.0.254", kNic0)));
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.0.253", kNic0)));
  EXPECT_EQ(t.routes().size(), 1u);
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->next_hop, ip("10.0.0.253"));
}

TEST(RoutingTable, ARouteToTheSameDestinationOnAnotherNicIsAdded) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic0)));
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic1)));
  EXPECT_EQ(t.routes().size(), 2u);
}

TEST(RoutingTable, AReplacedRouteWithANewMetricTakesItsPlaceInTheOrder) {
  RoutingTable t;
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.0.254", kNic0, 5)));
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.1.254", kNic1, 10)));
  ASSERT_EQ(t.lookup(ip("8.8.8.8"))->nic, kNic0);
  // The route on NIC 1 is replaced with a better metric: it must now win.
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.1.254", kNic1, 1)));
  EXPECT_EQ(t.routes().size(), 2u);
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->nic, kNic1);
  // And back to a worse one: NIC 0 wins again.
  ASSERT_TRUE(t.add(via("0.0.0.0/0", "10.0.1.254", kNic1, 50)));
  EXPECT_EQ(t.lookup(ip("8.8.8.8"))->nic, kNic0);
}

TEST(RoutingTable, StoresTheNetworkNotTheHostBits) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.1/24", kNic0)));  // an interface address, as Ipv4Layer adds it
  ASSERT_EQ(t.routes().size(), 1u);
  EXPECT_EQ(t.routes()[0].dest, cidr("10.0.0.0/24"));
  EXPECT_TRUE(t.add(connected("10.0.0.200/24", kNic0)));
  EXPECT_EQ(t.routes().size(), 1u) << "the same destination";
}

TEST(RoutingTable, RemoveDeletesOnlyThatDestinationOnThatNic) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic0)));
  ASSERT_TRUE(t.add(connected("10.0.0.0/24", kNic1)));
  ASSERT_TRUE(t.add(connected("10.0.0.0/16", kNic0)));
  EXPECT_TRUE(t.remove(cidr("10.0.0.1/24"), kNic0));  // host bits are ignored, as on add
  EXPECT_EQ(t.routes().size(), 2u);
  EXPECT_EQ(t.lookup(ip("10.0.0.1"))->nic, kNic1);
  EXPECT_FALSE(t.remove(cidr("10.0.0.0/24"), kNic0)) << "already gone";
  EXPECT_FALSE(t.remove(cidr("10.9.0.0/24"), kNic0)) << "never there";
  EXPECT_TRUE(t.remove(cidr("10.0.0.0/24"), kNic1));
  EXPECT_EQ(t.lookup(ip("10.0.0.1"))->nic, kNic0);  // the /16 is left
}

TEST(RoutingTable, RefusesANewRouteWhenFull) {
  RoutingTable t;
  for (std::uint32_t i = 0; i < RoutingTable::kMaxRoutes; ++i)
    ASSERT_TRUE(
        t.add(Route{wire::Ipv4Cidr{wire::Ipv4Address{0x0a000000u | (i << 8)}, 24}, std::nullopt, kNic0, 0}));
  EXPECT_EQ(t.routes().size(), RoutingTable::kMaxRoutes);
  EXPECT_FALSE(t.add(connected("192.168.0.0/24", kNic0)));
  EXPECT_FALSE(t.lookup(ip("192.168.0.1")).has_value());
  // Replacing a route that is there still works when full.
  EXPECT_TRUE(t.add(via("10.0.5.0/24", "10.0.0.1", kNic0)));
  EXPECT_EQ(t.lookup(ip("10.0.5.9"))->next_hop, ip("10.0.0.1"));
  // And a removal makes room.
  EXPECT_TRUE(t.remove(cidr("10.0.5.0/24"), kNic0));
  EXPECT_TRUE(t.add(connected("192.168.0.0/24", kNic0)));
}

TEST(RoutingTable, SlashZeroAndSlashThirtyTwoCoexist) {
  RoutingTable t;
  ASSERT_TRUE(t.add(connected("0.0.0.0/0", kNic0)));
  ASSERT_TRUE(t.add(connected("1.2.3.4/32", kNic1)));
  EXPECT_EQ(t.lookup(ip("1.2.3.4"))->nic, kNic1);
  EXPECT_EQ(t.lookup(ip("1.2.3.5"))->nic, kNic0);
  EXPECT_EQ(t.routes()[0].dest.prefix, 32);  // kept longest first
  EXPECT_EQ(t.routes()[1].dest.prefix, 0);
}

}  // namespace
