// SPDX-License-Identifier: MIT
#include "stack/transport/port_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace strata::transport {
namespace {

constexpr std::uint32_t kRange = PortTable::kEphemeralLast - PortTable::kEphemeralFirst + 1;

TEST(PortTable, ReservesAndReleasesAPort) {
  PortTable t;
  EXPECT_FALSE(t.in_use(7));
  EXPECT_TRUE(t.reserve(7));
  EXPECT_TRUE(t.in_use(7));
  t.release(7);
  EXPECT_FALSE(t.in_use(7));
  EXPECT_TRUE(t.reserve(7));
}

TEST(PortTable, RefusesAPortAlreadyTaken) {  // EADDRINUSE
  PortTable t;
  ASSERT_TRUE(t.reserve(5353));
  EXPECT_FALSE(t.reserve(5353));
  EXPECT_TRUE(t.in_use(5353));
  // Other ports are unaffected.
  EXPECT_TRUE(t.reserve(5354));
}

TEST(PortTable, NeverReservesPortZero) {
  PortTable t;
  EXPECT_FALSE(t.reserve(0));
  EXPECT_FALSE(t.in_use(0));
}

TEST(PortTable, ReservesTheHighestPort) {
  PortTable t;
  EXPECT_TRUE(t.reserve(65535));
  EXPECT_FALSE(t.reserve(65535));
}

TEST(PortTable, EphemeralPortsComeFromTheDynamicRangeAndAreDistinct) {
  PortTable t;
  core::Rng rng(1);
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 2000; ++i) {
    auto p = t.reserve_ephemeral(rng);
    ASSERT_TRUE(p);
    EXPECT_GE(*p, PortTable::kEphemeralFirst);
    EXPECT_LE(*p, PortTable::kEphemeralLast);
    EXPECT_TRUE(t.in_use(*p));
    EXPECT_TRUE(seen.insert(*p).second) << "port " << *p << " handed out twice";
  }
}

TEST(PortTable, EphemeralAllocationSkipsPortsTakenExplicitly) {
  PortTable t;
  // Everything but one port of the range is taken by explicit binds.
  const std::uint16_t free_port = 50000;
  for (std::uint32_t p = PortTable::kEphemeralFirst; p <= PortTable::kEphemeralLast; ++p)
    if (p != free_port) {
      ASSERT_TRUE(t.reserve(static_cast<std::uint16_t>(p)));
    }
  core::Rng rng(7);
  EXPECT_EQ(t.reserve_ephemeral(rng), free_port);
  EXPECT_FALSE(t.reserve_ephemeral(rng));
}

TEST(PortTable, EphemeralRangeExhausts) {
  PortTable t;
  core::Rng rng(99);
  for (std::uint32_t i = 0; i < kRange; ++i) ASSERT_TRUE(t.reserve_ephemeral(rng)) << "after " << i;
  EXPECT_EQ(t.reserve_ephemeral(rng), std::nullopt);
  // Ports below the range are still available explicitly.
  EXPECT_TRUE(t.reserve(1024));
  // A released port is the only one the next allocation can return.
  t.release(60001);
  EXPECT_EQ(t.reserve_ephemeral(rng), 60001);
  EXPECT_EQ(t.reserve_ephemeral(rng), std::nullopt);
}

TEST(PortTable, EphemeralSequenceIsDeterminedByTheSeed) {
  PortTable a, b, c;
  core::Rng ra(42), rb(42), rc(43);
  std::vector<std::uint16_t> sa, sb, sc;
  for (int i = 0; i < 50; ++i) {
    sa.push_back(*a.reserve_ephemeral(ra));
    sb.push_back(*b.reserve_ephemeral(rb));
    sc.push_back(*c.reserve_ephemeral(rc));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

}  // namespace
}  // namespace strata::transport
