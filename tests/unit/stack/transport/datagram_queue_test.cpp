// SPDX-License-Identifier: MIT
#include "stack/transport/datagram_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace strata::transport {
namespace {

using Data = std::vector<std::byte>;

Endpoint ep(std::uint8_t last, std::uint16_t port) {
  return Endpoint{wire::Ipv4Address::from_octets(10, 0, 0, last), port};
}

/// n bytes whose values depend on `tag`, so a datagram read back from the wrong place shows.
Data make(std::size_t n, std::uint8_t tag) {
  Data d(n);
  for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<std::byte>((tag * 37 + i * 11) & 0xff);
  return d;
}
core::Bytes view(const Data& d) {
  return {d.data(), d.size()};
}
Data front_copy(const DatagramQueue& q) {
  auto b = q.front_data();
  return Data(b.begin(), b.end());
}

TEST(DatagramQueue, StartsEmpty) {
  DatagramQueue q(4, 100);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(DatagramQueue, PopsInFifoOrderWithAddresses) {
  DatagramQueue q(8, 1000);
  for (std::uint8_t i = 0; i < 5; ++i) ASSERT_TRUE(q.push(view(make(10 + i, i)), ep(2, 1000 + i)));
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.bytes(), 10u + 11 + 12 + 13 + 14);
  for (std::uint8_t i = 0; i < 5; ++i) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(front_copy(q), make(10 + i, i));
    EXPECT_EQ(q.front().from, ep(2, 1000 + i));
    EXPECT_EQ(q.front().len, 10u + i);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(DatagramQueue, RefusesWhenFullByCount) {
  DatagramQueue q(3, 1000);
  for (std::uint8_t i = 0; i < 3; ++i) ASSERT_TRUE(q.push(view(make(4, i)), ep(2, 1)));
  EXPECT_FALSE(q.push(view(make(4, 9)), ep(2, 1)));
  EXPECT_EQ(q.size(), 3u);
  q.pop();
  EXPECT_TRUE(q.push(view(make(4, 3)), ep(2, 1)));
  // The refused datagram left no trace: the order is 1, 2, 3.
  for (std::uint8_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(front_copy(q), make(4, i));
    q.pop();
  }
}

TEST(DatagramQueue, RefusesWhenFullByBytes) {
  DatagramQueue q(100, 100);
  ASSERT_TRUE(q.push(view(make(60, 1)), ep(2, 1)));
  EXPECT_FALSE(q.push(view(make(41, 2)), ep(2, 1)));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 60u);
  // Exactly what is left fits.
  EXPECT_TRUE(q.push(view(make(40, 3)), ep(2, 1)));
  EXPECT_EQ(q.bytes(), 100u);
  EXPECT_FALSE(q.push(view(make(1, 4)), ep(2, 1)));
  EXPECT_EQ(front_copy(q), make(60, 1));
  q.pop();
  EXPECT_EQ(front_copy(q), make(40, 3));
}

TEST(DatagramQueue, DatagramOfExactlyTheArenaSizeFits) {
  DatagramQueue q(4, 64);
  EXPECT_FALSE(q.push(view(make(65, 1)), ep(2, 1)));
  ASSERT_TRUE(q.push(view(make(64, 2)), ep(2, 1)));
  EXPECT_EQ(q.bytes(), 64u);
  EXPECT_FALSE(q.push(view(make(1, 3)), ep(2, 1)));
  EXPECT_EQ(front_copy(q), make(64, 2));
  q.pop();
  // Empty again: the whole arena is free, wherever the head was.
  ASSERT_TRUE(q.push(view(make(64, 4)), ep(2, 1)));
  EXPECT_EQ(front_copy(q), make(64, 4));
}

TEST(DatagramQueue, KeepsZeroLengthDatagrams) {
  DatagramQueue q(4, 100);
  ASSERT_TRUE(q.push({}, ep(2, 11)));
  ASSERT_TRUE(q.push(view(make(5, 1)), ep(2, 12)));
  ASSERT_TRUE(q.push({}, ep(2, 13)));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.bytes(), 5u);

  EXPECT_TRUE(q.front_data().empty());
  EXPECT_EQ(q.front().from, ep(2, 11));
  q.pop();
  EXPECT_EQ(front_copy(q), make(5, 1));
  q.pop();
  EXPECT_TRUE(q.front_data().empty());
  EXPECT_EQ(q.front().from, ep(2, 13));
  q.pop();
  EXPECT_TRUE(q.empty());
}

TEST(DatagramQueue, ZeroLengthDatagramsCountTowardTheDatagramLimit) {
  DatagramQueue q(2, 100);
  ASSERT_TRUE(q.push({}, ep(2, 1)));
  ASSERT_TRUE(q.push({}, ep(2, 2)));
  EXPECT_FALSE(q.push({}, ep(2, 3)));
}

TEST(DatagramQueue, WrapsAroundTheEndOfTheArena) {
  DatagramQueue q(8, 100);
  ASSERT_TRUE(q.push(view(make(40, 1)), ep(2, 1)));  // [0, 40)
  ASSERT_TRUE(q.push(view(make(40, 2)), ep(2, 2)));  // [40, 80)
  q.pop();                                           // free: [0, 40) and [80, 100)
  // 30 bytes do not fit after the tail (20 left) but do at the start.
  ASSERT_TRUE(q.push(view(make(30, 3)), ep(2, 3)));
  // Wrapped: the gap between the new tail (30) and the head (40) takes exactly 10 more.
  ASSERT_TRUE(q.push(view(make(10, 4)), ep(2, 4)));
  EXPECT_FALSE(q.push(view(make(1, 5)), ep(2, 5)));
  EXPECT_EQ(q.bytes(), 80u);

  EXPECT_EQ(front_copy(q), make(40, 2));
  q.pop();
  // Head is now the datagram at 0: free space is [40, 100).
  ASSERT_TRUE(q.push(view(make(60, 6)), ep(2, 6)));
  EXPECT_FALSE(q.push(view(make(1, 7)), ep(2, 7)));
  for (auto [n, tag] : {std::pair<std::size_t, std::uint8_t>{30, 3}, {10, 4}, {60, 6}}) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(front_copy(q), make(n, tag));
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

TEST(DatagramQueue, RecordRingWrapsAround) {
  DatagramQueue q(3, 1000);
  std::uint8_t next_in = 0, next_out = 0;
  for (int round = 0; round < 20; ++round) {
    while (q.size() < 3) {
      ASSERT_TRUE(q.push(view(make(7, next_in)), ep(2, next_in)));
      ++next_in;
    }
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(front_copy(q), make(7, next_out));
      EXPECT_EQ(q.front().from, ep(2, next_out));
      q.pop();
      ++next_out;
    }
  }
}

// A long random run against a model: contents and order always match, the caps always hold, and a datagram
// offered to an empty queue is taken whenever it fits the arena.
TEST(DatagramQueue, MatchesAModelUnderRandomUse) {
  constexpr std::size_t kCount = 16, kBytes = 1024;
  DatagramQueue q(kCount, kBytes);
  std::deque<std::pair<Data, Endpoint>> model;
  std::size_t model_bytes = 0;
  std::mt19937 rng(12345);
  std::size_t accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    if (rng() % 5 < 3) {
      const std::size_t n = (rng() % 8 == 0) ? 0 : rng() % 300;
      const auto tag = static_cast<std::uint8_t>(i);
      const Endpoint from = ep(3, static_cast<std::uint16_t>(i));
      const bool was_empty = q.empty();
      if (q.push(view(make(n, tag)), from)) {
        model.emplace_back(make(n, tag), from);
        model_bytes += n;
        ++accepted;
      } else {
        EXPECT_FALSE(was_empty) << "an empty queue refused " << n << " bytes";
        ++refused;
      }
    } else if (!q.empty()) {
      ASSERT_FALSE(model.empty());
      EXPECT_EQ(front_copy(q), model.front().first);
      EXPECT_EQ(q.front().from, model.front().second);
      model_bytes -= model.front().first.size();
      model.pop_front();
      q.pop();
    }
    ASSERT_EQ(q.size(), model.size());
    ASSERT_EQ(q.bytes(), model_bytes);
    ASSERT_LE(q.size(), kCount);
    ASSERT_LE(q.bytes(), kBytes);
  }
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(refused, 0u);
}

}  // namespace
}  // namespace strata::transport
