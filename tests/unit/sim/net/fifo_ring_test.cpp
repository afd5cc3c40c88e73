// SPDX-License-Identifier: MIT
// FifoRing: FIFO order across wrap-around and growth, growth only when full, popped elements reused in place.
#include "sim/net/fifo_ring.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "stack/core/rng.hpp"

namespace strata::sim::net {
namespace {

TEST(FifoRing, StartsEmptyWithoutStorage) {
  FifoRing<int> ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.capacity(), 0u);
}

TEST(FifoRing, KeepsOrderAcrossWrapAroundWithoutGrowing) {
  FifoRing<int> ring;
  for (int i = 0; i < 3; ++i) ring.push_back() = i;
  const std::size_t capacity = ring.capacity();
  int next_in = 3, next_out = 0;
  for (int round = 0; round < 100; ++round) {  // at most 3 in the ring: it wraps, never grows
    EXPECT_EQ(ring.front(), next_out++);
    ring.pop_front();
    ring.push_back() = next_in++;
  }
  EXPECT_EQ(ring.capacity(), capacity);
  EXPECT_EQ(ring.size(), 3u);
  for (std::size_t i = 0; i < ring.size(); ++i) EXPECT_EQ(ring[i], next_out + static_cast<int>(i));
}

TEST(FifoRing, GrowsOnlyWhenFullAndKeepsOrderWhenItDoes) {
  FifoRing<int> ring;
  ring.push_back() = -1;
  ring.pop_front();  // head no longer at slot 0: growth has to unwrap
  for (int i = 0; i < 4; ++i) ring.push_back() = i;
  EXPECT_EQ(ring.capacity(), 4u);
  ring.push_back() = 4;
  EXPECT_EQ(ring.capacity(), 8u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ring.front(), i);
    ring.pop_front();
  }
  EXPECT_TRUE(ring.empty());
}

TEST(FifoRing, PoppedElementsStayAndAreAssignedOverByLaterPushes) {
  // Move-only elements that own something: a popped one is left as it was until a push reuses its place.
  FifoRing<std::unique_ptr<int>> ring;
  ring.push_back() = std::make_unique<int>(1);
  std::unique_ptr<int> taken = std::move(ring.front());
  ring.pop_front();
  EXPECT_EQ(*taken, 1);
  for (int i = 0; i < 4; ++i) ring.push_back() = std::make_unique<int>(10 + i);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.front());
    EXPECT_EQ(*ring.front(), 10 + i);
    ring.pop_front();
  }
}

TEST(FifoRing, AgreesWithADequeUnderRandomPushesAndPops) {
  FifoRing<std::uint64_t> ring;
  std::deque<std::uint64_t> model;
  core::Rng rng(17);
  std::uint64_t next = 0;
  std::size_t high_water = 0;
  for (int step = 0; step < 100'000; ++step) {
    if (model.empty() || rng.below(100) < 52) {
      ring.push_back() = next;
      model.push_back(next++);
    } else {
      ASSERT_EQ(ring.front(), model.front());
      ring.pop_front();
      model.pop_front();
    }
    ASSERT_EQ(ring.size(), model.size());
    high_water = std::max(high_water, model.size());
  }
  for (std::size_t i = 0; i < model.size(); ++i) ASSERT_EQ(ring[i], model[i]);
  EXPECT_GE(ring.capacity(), high_water);
  EXPECT_LE(ring.capacity(), std::max<std::size_t>(4, 2 * high_water));  // the high-water mark, no further
}

}  // namespace
}  // namespace strata::sim::net
