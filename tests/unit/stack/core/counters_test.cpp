// SPDX-License-Identifier: MIT
// Counters: per-host event counters ("layer.event") and one drop counter per Reason ("layer.drop.reason").
#include "stack/core/counters.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace strata::core {
namespace {

using Named = std::vector<std::pair<std::string, std::uint64_t>>;

TEST(Counters, DropCounterNameInsertsDropAfterTheLayer) {
  EXPECT_EQ(Counters::drop_counter_name(Reason::Ipv4BadChecksum), "ipv4.drop.bad_checksum");
  EXPECT_EQ(Counters::drop_counter_name(Reason::LinkTooManyTags), "link.drop.too_many_tags");
  EXPECT_EQ(Counters::drop_counter_name(Reason::TcpTruncatedOptions), "tcp.drop.truncated_options");
  EXPECT_EQ(Counters::drop_counter_name(Reason::NicNoBuffer), "nic.drop.no_buffer");
}

TEST(Counters, NoneReasonKeepsItsBareName) {
  EXPECT_EQ(Counters::drop_counter_name(Reason::None), "none");
}

TEST(Counters, StartAtZero) {
  Counters c;
  EXPECT_EQ(c.get(Counter::Ipv4Rx), 0u);
  EXPECT_EQ(c.drops(Reason::Ipv4BadChecksum), 0u);
  EXPECT_TRUE(c.nonzero().empty());
}

TEST(Counters, IncrementsEventsByOneOrByN) {
  Counters c;
  c.inc(Counter::UdpRx);
  c.inc(Counter::UdpRx);
  c.inc(Counter::TcpTx, 10);
  EXPECT_EQ(c.get(Counter::UdpRx), 2u);
  EXPECT_EQ(c.get(Counter::TcpTx), 10u);
  EXPECT_EQ(c.get(Counter::UdpTx), 0u);
}

TEST(Counters, CountsDropsPerReason) {
  Counters c;
  c.drop(Reason::Ipv4BadChecksum);
  c.drop(Reason::Ipv4BadChecksum);
  c.drop(Reason::UdpPortUnreachable);
  EXPECT_EQ(c.drops(Reason::Ipv4BadChecksum), 2u);
  EXPECT_EQ(c.drops(Reason::UdpPortUnreachable), 1u);
  EXPECT_EQ(c.drops(Reason::Ipv4Truncated), 0u);
}

TEST(Counters, GetsEventCounterByName) {
  Counters c;
  c.inc(Counter::Ipv4Rx, 3);
  c.inc(Counter::ArpRequestTx);
  EXPECT_EQ(c.get("ipv4.rx"), 3u);
  EXPECT_EQ(c.get("arp.request_tx"), 1u);
  EXPECT_EQ(c.get("ipv4.tx"), 0u);
}

TEST(Counters, GetsDropCounterByName) {
  Counters c;
  c.drop(Reason::Ipv4BadChecksum);
  c.drop(Reason::TcpNoSocket);
  c.drop(Reason::TcpNoSocket);
  EXPECT_EQ(c.get("ipv4.drop.bad_checksum"), 1u);
  EXPECT_EQ(c.get("tcp.drop.no_socket"), 2u);
  EXPECT_EQ(c.get("udp.drop.bad_checksum"), 0u);
}

TEST(Counters, UnknownNameReadsZero) {
  Counters c;
  c.inc(Counter::Ipv4Rx);
  c.drop(Reason::Ipv4BadChecksum);
  EXPECT_EQ(c.get("ipv4"), 0u);
  EXPECT_EQ(c.get("ipv4.bad_checksum"), 0u);  // the reason name, not the counter name
  EXPECT_EQ(c.get("ipv4.rx "), 0u);
  EXPECT_EQ(c.get(""), 0u);
  EXPECT_EQ(c.get("none"), 0u);
}

TEST(Counters, NonzeroListsEventsThenDropsInTableOrder) {
  Counters c;
  c.drop(Reason::TcpBadChecksum);
  c.inc(Counter::UdpRx, 2);
  c.drop(Reason::LinkTruncated);
  c.inc(Counter::NicRx, 5);
  EXPECT_EQ(c.nonzero(),
            (Named{{"nic.rx", 5}, {"udp.rx", 2}, {"link.drop.truncated", 1}, {"tcp.drop.bad_checksum", 1}}));
}

TEST(Counters, AddSumsEveryCounter) {
  Counters a, b;
  a.inc(Counter::Ipv4Rx, 2);
  a.drop(Reason::UdpBadLength);
  b.inc(Counter::Ipv4Rx, 3);
  b.inc(Counter::IcmpTx);
  b.drop(Reason::UdpBadLength);
  b.drop(Reason::ArpTruncated);
  a.add(b);
  EXPECT_EQ(a.get(Counter::Ipv4Rx), 5u);
  EXPECT_EQ(a.get(Counter::IcmpTx), 1u);
  EXPECT_EQ(a.drops(Reason::UdpBadLength), 2u);
  EXPECT_EQ(a.drops(Reason::ArpTruncated), 1u);
  EXPECT_EQ(b.get(Counter::Ipv4Rx), 3u);  // the source is unchanged
}

TEST(Counters, EveryCounterNameIsUniqueLayerDotEvent) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Counter::kCount); ++i) {
    const auto c = static_cast<Counter>(i);
    const std::string_view n = name(c);
    EXPECT_TRUE(seen.insert(n).second) << n;
    const auto dot = n.find('.');
    ASSERT_NE(dot, std::string_view::npos) << n;
    EXPECT_GT(dot, 0u) << n;
    EXPECT_LT(dot + 1, n.size()) << n;
    EXPECT_EQ(n.find(".drop."), std::string_view::npos) << n;  // cannot collide with drop counters
  }
}

TEST(Counters, EveryCounterAndDropIsReachableByItsName) {
  Counters c;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Counter::kCount); ++i)
    c.inc(static_cast<Counter>(i), i + 1);
  for (std::size_t i = 1; i < static_cast<std::size_t>(Reason::kCount); ++i)
    for (std::size_t k = 0; k < i; ++k) c.drop(static_cast<Reason>(i));
  for (std::size_t i = 0; i < static_cast<std::size_t>(Counter::kCount); ++i)
    EXPECT_EQ(c.get(name(static_cast<Counter>(i))), i + 1) << name(static_cast<Counter>(i));
  for (std::size_t i = 1; i < static_cast<std::size_t>(Reason::kCount); ++i) {
    const auto n = Counters::drop_counter_name(static_cast<Reason>(i));
    EXPECT_EQ(c.get(n), i) << n;
  }
  EXPECT_EQ(c.nonzero().size(),
            static_cast<std::size_t>(Counter::kCount) + static_cast<std::size_t>(Reason::kCount) - 1);
}

}  // namespace
}  // namespace strata::core
