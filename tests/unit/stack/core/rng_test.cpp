// SPDX-License-Identifier: MIT
// Rng: xoshiro256** seeded through splitmix64; the only randomness in the stack, so runs replay exactly.
#include "stack/core/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace strata::core {
namespace {

std::vector<std::uint64_t> draw(Rng& r, int n) {
  std::vector<std::uint64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(r.next());
  return v;
}

TEST(Rng, SameSeedGivesSameSequence) {
  Rng a(12345), b(12345);
  EXPECT_EQ(draw(a, 100), draw(b, 100));
}

TEST(Rng, DifferentSeedsGiveDifferentSequences) {
  Rng a(1), b(2);
  const auto va = draw(a, 16), vb = draw(b, 16);
  EXPECT_NE(va, vb);
  for (int i = 0; i < 16; ++i) EXPECT_NE(va[i], vb[i]) << i;
}

TEST(Rng, DefaultSeedIsZero) {
  Rng a, b(0);
  EXPECT_EQ(draw(a, 8), draw(b, 8));
}

TEST(Rng, ReseedRestartsTheSequence) {
  Rng r(99);
  const auto first = draw(r, 10);
  draw(r, 5);
  r.reseed(99);
  EXPECT_EQ(draw(r, 10), first);
}

TEST(Rng, MatchesReferenceXoshiro256StarStarOutputs) {
  // splitmix64-seeded xoshiro256** reference values: a change here changes every seeded run.
  Rng zero(0);
  EXPECT_EQ(zero.next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(zero.next(), 0x1a5f849d4933e6e0ULL);
  Rng answer(42);
  EXPECT_EQ(answer.next(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(answer.next(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(answer.next(), 0xae17533239e499a1ULL);
}

TEST(Rng, BelowStaysInRange) {
  Rng r(7);
  for (std::uint32_t bound : {1u, 2u, 3u, 10u, 1000u, 0x80000000u, 0xffffffffu})
    for (int i = 0; i < 2000; ++i) ASSERT_LT(r.below(bound), bound) << bound;
}

TEST(Rng, BelowOneIsAlwaysZero) {
  Rng r(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(r.below(1), 0u);
}

TEST(Rng, BelowCoversEveryValueOfSmallRange) {
  Rng r(2024);
  std::array<int, 10> hits{};
  for (int i = 0; i < 10000; ++i) ++hits[r.below(10)];
  for (int h : hits) {
    EXPECT_GT(h, 800);  // 1000 expected each; far from either bound by chance
    EXPECT_LT(h, 1200);
  }
}

TEST(Rng, UniformIsInHalfOpenUnitInterval) {
  Rng r(5);
  double lo = 1, hi = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_LT(lo, 0.01);
  EXPECT_GT(hi, 0.99);
}

}  // namespace
}  // namespace strata::core
