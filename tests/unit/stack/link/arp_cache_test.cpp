// SPDX-License-Identifier: MIT
// ArpCache on its own (lifetime, per-interface keys, LRU eviction) and through a Host (expiry leads to a new
// request, eviction at capacity leads to a new request for the evicted neighbour only).
#include "stack/link/arp_cache.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "stack/socket/socket_api.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace {

using namespace strata;
using namespace strata::test;
using namespace std::chrono_literals;
using core::NicId;

const NicId kNic0{0}, kNic1{1};
const wire::MacAddress kMacA = mac("02:00:00:00:00:0a");
const wire::MacAddress kMacB = mac("02:00:00:00:00:0b");
const wire::MacAddress kMacC = mac("02:00:00:00:00:0c");
const wire::Ipv4Address kIpA = ip("10.0.0.10");
const wire::Ipv4Address kIpB = ip("10.0.0.11");
const wire::Ipv4Address kIpC = ip("10.0.0.12");

// lookup() gives a pointer into the cache; an optional copy compares and prints in gtest.
std::optional<wire::MacAddress> mac_of(const wire::MacAddress* m) {
  return m ? std::optional<wire::MacAddress>(*m) : std::nullopt;
}

TEST(ArpCache, MissesAnUnknownAddress) {
  link::ArpCache cache(4, 60s);
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(0))).has_value());
}

TEST(ArpCache, ReturnsTheInsertedMac) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(1));
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpA, at_s(2))), kMacA);
  EXPECT_EQ(cache.entries().size(), 1u);
}

TEST(ArpCache, KeysEntriesByInterfaceAndAddress) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(1));
  EXPECT_FALSE(mac_of(cache.lookup(kNic1, kIpA, at_s(1))).has_value());
  cache.insert(kNic1, kIpA, kMacB, at_s(1));
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpA, at_s(1))), kMacA);
  EXPECT_EQ(mac_of(cache.lookup(kNic1, kIpA, at_s(1))), kMacB);
}

TEST(ArpCache, AnEntryExpiresExactlyAtTheEndOfItsLifetime) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(10));
  EXPECT_TRUE(mac_of(cache.lookup(kNic0, kIpA, at_s(70) - 1ns)).has_value());
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(70))).has_value());
}

TEST(ArpCache, ALookupDoesNotExtendTheLifetime) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(0));
  EXPECT_TRUE(mac_of(cache.lookup(kNic0, kIpA, at_s(59))).has_value());
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(60))).has_value());
}

TEST(ArpCache, InsertingAgainRefreshesTheMacAndTheLifetime) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(0));
  cache.insert(kNic0, kIpA, kMacB, at_s(30));
  EXPECT_EQ(cache.entries().size(), 1u);
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpA, at_s(89))), kMacB);
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(90))).has_value());
}

TEST(ArpCache, UpdateRefreshesOnlyAnEntryThatExists) {
  link::ArpCache cache(4, 60s);
  EXPECT_FALSE(cache.update(kNic0, kIpA, kMacA, at_s(0)));
  EXPECT_TRUE(cache.entries().empty());
  cache.insert(kNic0, kIpA, kMacA, at_s(0));
  EXPECT_TRUE(cache.update(kNic0, kIpA, kMacB, at_s(30)));
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpA, at_s(89))), kMacB);
}

TEST(ArpCache, EvictsTheLeastRecentlyUsedEntryWhenFull) {
  link::ArpCache cache(2, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(1));
  cache.insert(kNic0, kIpB, kMacB, at_s(2));
  ASSERT_TRUE(mac_of(cache.lookup(kNic0, kIpA, at_s(3))).has_value());  // A is now the more recently used
  cache.insert(kNic0, kIpC, kMacC, at_s(4));

  EXPECT_EQ(cache.entries().size(), 2u);
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpA, at_s(5))), kMacA);
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpB, at_s(5))).has_value());
  EXPECT_EQ(mac_of(cache.lookup(kNic0, kIpC, at_s(5))), kMacC);
}

TEST(ArpCache, WithoutLookupsEvictsTheOldestInsert) {
  link::ArpCache cache(2, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(1));
  cache.insert(kNic0, kIpB, kMacB, at_s(2));
  cache.insert(kNic0, kIpC, kMacC, at_s(3));
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(4))).has_value());
  EXPECT_TRUE(mac_of(cache.lookup(kNic0, kIpB, at_s(4))).has_value());
  EXPECT_TRUE(mac_of(cache.lookup(kNic0, kIpC, at_s(4))).has_value());
}

TEST(ArpCache, ZeroCapacityHoldsNothing) {
  link::ArpCache cache(0, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(1));
  EXPECT_TRUE(cache.entries().empty());
  EXPECT_FALSE(mac_of(cache.lookup(kNic0, kIpA, at_s(1))).has_value());
}

TEST(ArpCache, ExpireRemovesOnlyExpiredEntriesAndCountsThem) {
  link::ArpCache cache(4, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(0));
  cache.insert(kNic0, kIpB, kMacB, at_s(10));
  EXPECT_EQ(cache.expire(at_s(59)), 0u);
  EXPECT_EQ(cache.expire(at_s(60)), 1u);
  EXPECT_EQ(cache.entries().size(), 1u);
  EXPECT_EQ(cache.entries()[0].ip, kIpB);
  EXPECT_EQ(cache.expire(at_s(70)), 1u);
  EXPECT_TRUE(cache.entries().empty());
}

TEST(ArpCache, NextDeadlineIsTheEarliestExpiry) {
  link::ArpCache cache(4, 60s);
  EXPECT_FALSE(cache.next_deadline().has_value());
  cache.insert(kNic0, kIpB, kMacB, at_s(10));
  cache.insert(kNic0, kIpA, kMacA, at_s(5));
  EXPECT_EQ(cache.next_deadline(), at_s(65));
}

TEST(ArpCache, NextDeadlineFollowsRefreshesExpiryAndEviction) {
  link::ArpCache cache(2, 60s);
  cache.insert(kNic0, kIpA, kMacA, at_s(0));   // expires 60
  cache.insert(kNic0, kIpB, kMacB, at_s(10));  // expires 70
  EXPECT_EQ(cache.next_deadline(), at_s(60));
  cache.insert(kNic0, kIpA, kMacA, at_s(20));  // refreshed: A now expires 80, B is the earliest
  EXPECT_EQ(cache.next_deadline(), at_s(70));
  EXPECT_TRUE(cache.update(kNic0, kIpB, kMacB, at_s(30)));  // B now expires 90
  EXPECT_EQ(cache.next_deadline(), at_s(80));
  // Full: evicts B (an update is not a use: B was last used at 10, A at 20); C expires 100.
  cache.insert(kNic0, kIpC, kMacC, at_s(40));
  EXPECT_EQ(cache.next_deadline(), at_s(80));
  EXPECT_EQ(cache.expire(at_s(79)), 0u);
  EXPECT_EQ(cache.expire(at_s(80)), 1u);
  EXPECT_EQ(cache.next_deadline(), at_s(100));
  EXPECT_EQ(cache.expire(at_s(100)), 1u);
  EXPECT_FALSE(cache.next_deadline().has_value());
}

// ---- through a Host
// ------------------------------------------------------------------------------------------

class ArpCacheOnHost : public ::testing::Test {
 protected:
  static HostConfig config() {
    HostConfig c;
    c.arp.cache_capacity = 2;
    c.arp.entry_lifetime = 30s;
    return c;
  }
  ArpCacheOnHost() : host_(config()), nic_(kOurMac) {}
  void SetUp() override {
    nic_.attach(*host_, iface("10.0.0.1/24"));
    nic_.take_sent();
    fd_ = *host_->sockets().socket(socket::kAfInet, socket::kSockDgram);
  }
  void learn(wire::MacAddress m, wire::Ipv4Address a, core::Instant t) {
    nic_.inject(arp_request(m, a, kOurIp), t);
    ASSERT_EQ(nic_.take_sent().size(), 1u);  // our reply
  }
  /// Sends one datagram to `to` at `t`; true when it left at once (no ARP request).
  bool sends_directly(wire::Ipv4Address to, core::Instant t) {
    host_->advance(t);
    auto data = to_bytes("x");
    EXPECT_TRUE(host_->sockets().sendto(fd_, view(data), socket::SockAddrIn{to, 9}).ok());
    auto sent = nic_.take_sent();
    EXPECT_EQ(sent.size(), 1u);
    return sent.size() == 1 && parse_udp(sent[0]).has_value();
  }

  TestHost host_;
  TestNic nic_;
  int fd_ = -1;
};

TEST_F(ArpCacheOnHost, AnExpiredEntryIsResolvedAgain) {
  learn(kMacA, kIpA, at_s(0));
  EXPECT_TRUE(sends_directly(kIpA, at_s(29)));
  host_->advance(at_s(30));
  EXPECT_EQ(host_->counters().get("arp.expired"), 1u);
  EXPECT_TRUE(host_->arp().cache().entries().empty());
  EXPECT_FALSE(sends_directly(kIpA, at_s(31)));
}

TEST_F(ArpCacheOnHost, EvictsTheLeastRecentlyUsedNeighbourAtCapacity) {
  learn(kMacA, kIpA, at_s(1));
  learn(kMacB, kIpB, at_s(2));
  EXPECT_TRUE(sends_directly(kIpA, at_s(3)));  // A used after B was learned
  learn(kMacC, kIpC, at_s(4));                 // evicts B

  EXPECT_EQ(host_->arp().cache().entries().size(), 2u);
  EXPECT_TRUE(sends_directly(kIpA, at_s(5)));
  EXPECT_TRUE(sends_directly(kIpC, at_s(5)));
  EXPECT_FALSE(sends_directly(kIpB, at_s(5)));  // a request for B
}

}  // namespace
