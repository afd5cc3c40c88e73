// SPDX-License-Identifier: MIT
// BufferPool / PacketBuf: fixed slots in two size classes, headroom for headers, move-only ownership.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "stack/core/packet_buf.hpp"

namespace strata::core {
namespace {

constexpr int kSmall = 0, kLarge = 1;

void fill(MutBytes b, std::uint8_t v) {
  std::memset(b.data(), v, b.size());
}
std::vector<std::uint8_t> to_vec(Bytes b) {
  std::vector<std::uint8_t> v;
  for (auto x : b) v.push_back(static_cast<std::uint8_t>(x));
  return v;
}

TEST(BufferPool, StartsWithEverySlotFree) {
  BufferPool pool(4, 2);
  EXPECT_EQ(pool.free_slots(kSmall), 4u);
  EXPECT_EQ(pool.free_slots(kLarge), 2u);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(BufferPool, AllocatesEmptyPacketWithHeadroom) {
  BufferPool pool(2, 0);
  auto p = pool.allocate(100);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->valid());
  EXPECT_EQ(p->size(), 0u);
  EXPECT_EQ(p->headroom(), kMaxHeadroom);
  EXPECT_GE(p->tailroom(), 100u);
  EXPECT_EQ(p->headroom() + p->tailroom(), BufferPool::kSmallSlot);
  EXPECT_EQ(pool.free_slots(kSmall), 1u);
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST(BufferPool, HonoursRequestedHeadroom) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(10, 42);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->headroom(), 42u);
}

TEST(PacketBuf, AppendGrowsAtTheBack) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(8);
  const std::size_t tail = p->tailroom();
  auto a = p->append(3);
  fill(a, 0xaa);
  auto b = p->append(2);
  fill(b, 0xbb);
  EXPECT_EQ(b.data(), a.data() + 3);
  EXPECT_EQ(p->size(), 5u);
  EXPECT_EQ(p->tailroom(), tail - 5);
  EXPECT_EQ(to_vec(p->bytes()), (std::vector<std::uint8_t>{0xaa, 0xaa, 0xaa, 0xbb, 0xbb}));
}

TEST(PacketBuf, PushFrontPrependsHeadersInPlace) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(4);
  fill(p->append(4), 0xdd);     // payload
  auto udp = p->push_front(8);  // then each layer's header, innermost first
  fill(udp, 0x08);
  auto ip = p->push_front(20);
  fill(ip, 0x45);
  EXPECT_EQ(p->size(), 32u);
  EXPECT_EQ(p->headroom(), kMaxHeadroom - 28);
  EXPECT_EQ(ip.data() + 20, udp.data());
  EXPECT_EQ(p->bytes().data(), ip.data());
  auto v = to_vec(p->bytes());
  EXPECT_EQ(v[0], 0x45);
  EXPECT_EQ(v[20], 0x08);
  EXPECT_EQ(v[28], 0xdd);
}

TEST(PacketBuf, LayerMarksStayOnTheirHeadersAsHeadersArePushedInFront) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(10);
  p->append(10);
  p->set_mark(&core::LayerMarks::transport);
  p->set_mark(&core::LayerMarks::payload, 8);
  p->push_front(20);
  EXPECT_EQ(p->marks().transport, 20);
  EXPECT_EQ(p->marks().payload, 28);
  EXPECT_EQ(p->marks().net, LayerMarks::kNone);  // absent layers stay absent
  p->set_mark(&core::LayerMarks::net);
  p->push_front(14);
  EXPECT_EQ(p->marks().net, 14);
  EXPECT_EQ(p->marks().transport, 34);
  EXPECT_EQ(p->marks().link, LayerMarks::kNone);
}

TEST(PacketBuf, PullFrontAndTrimTo) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(10);
  auto d = p->append(10);
  for (std::size_t i = 0; i < 10; ++i) d[i] = std::byte(i);
  p->pull_front(3);
  EXPECT_EQ(p->size(), 7u);
  EXPECT_EQ(p->headroom(), kMaxHeadroom + 3);
  EXPECT_EQ(static_cast<int>(p->bytes()[0]), 3);
  p->trim_to(4);
  EXPECT_EQ(to_vec(p->bytes()), (std::vector<std::uint8_t>{3, 4, 5, 6}));
  p->trim_to(100);  // never grows
  EXPECT_EQ(p->size(), 4u);
}

TEST(PacketBuf, ReleasesItsSlotWhenDestroyed) {
  BufferPool pool(2, 1);
  {
    auto a = pool.allocate(10);
    auto b = pool.allocate(60000);
    EXPECT_EQ(pool.in_use(), 2u);
    EXPECT_EQ(pool.free_slots(kSmall), 1u);
    EXPECT_EQ(pool.free_slots(kLarge), 0u);
  }
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.free_slots(kSmall), 2u);
  EXPECT_EQ(pool.free_slots(kLarge), 1u);
}

TEST(PacketBuf, MoveTransfersOwnership) {
  BufferPool pool(2, 0);
  auto p = pool.allocate(10);
  fill(p->append(4), 0x11);
  const std::byte* data = p->bytes().data();

  PacketBuf moved(std::move(*p));
  EXPECT_FALSE(p->valid());
  EXPECT_EQ(p->size(), 0u);
  ASSERT_TRUE(moved.valid());
  EXPECT_EQ(moved.bytes().data(), data);
  EXPECT_EQ(moved.size(), 4u);
  EXPECT_EQ(pool.in_use(), 1u);
  p.reset();  // destroying the moved-from packet returns nothing
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST(PacketBuf, MoveAssignmentReleasesTheOverwrittenSlot) {
  BufferPool pool(2, 0);
  auto a = pool.allocate(10);
  auto b = pool.allocate(10);
  EXPECT_EQ(pool.free_slots(kSmall), 0u);
  *a = std::move(*b);
  EXPECT_EQ(pool.free_slots(kSmall), 1u);
  EXPECT_TRUE(a->valid());
  EXPECT_FALSE(b->valid());
  *a = std::move(*a);  // self-move keeps the packet
  EXPECT_TRUE(a->valid());
  EXPECT_EQ(pool.in_use(), 1u);
}

TEST(PacketBuf, DefaultConstructedIsInvalidAndEmpty) {
  PacketBuf p;
  EXPECT_FALSE(p.valid());
  EXPECT_EQ(p.size(), 0u);
  EXPECT_FALSE(p.clone().has_value());
}

TEST(BufferPool, ReturnsNulloptWhenExhausted) {
  BufferPool pool(2, 0);
  auto a = pool.allocate(100);
  auto b = pool.allocate(100);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(pool.allocate(100).has_value());
  EXPECT_FALSE(pool.allocate(0).has_value());
  a.reset();
  EXPECT_TRUE(pool.allocate(100).has_value());  // the freed slot is reused
}

TEST(BufferPool, ServesSixtyKilobytesFromTheLargeClass) {
  BufferPool pool(4, 1);
  auto p = pool.allocate(60 * 1024);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(pool.free_slots(kSmall), 4u);
  EXPECT_EQ(pool.free_slots(kLarge), 0u);
  auto d = p->append(60 * 1024);
  fill(d, 0x5a);
  EXPECT_EQ(p->size(), 60u * 1024);
  EXPECT_FALSE(pool.allocate(60 * 1024).has_value());  // the only large slot is taken
}

TEST(BufferPool, ServesLargestIpDatagramWithHeadroom) {
  BufferPool pool(0, 1);
  auto p = pool.allocate(65535);
  ASSERT_TRUE(p.has_value());
  EXPECT_GE(p->tailroom(), 65535u);
  EXPECT_EQ(p->headroom(), kMaxHeadroom);
}

TEST(BufferPool, ReturnsNulloptForRequestLargerThanAnySlot) {
  BufferPool pool(4, 4);
  EXPECT_FALSE(pool.allocate(BufferPool::kLargeSlot).has_value());
  EXPECT_FALSE(pool.allocate(70000).has_value());
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(BufferPool, FallsBackToLargeSlotWhenSmallSlotsAreGone) {
  BufferPool pool(1, 1);
  auto a = pool.allocate(100);
  auto b = pool.allocate(100);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(pool.free_slots(kSmall), 0u);
  EXPECT_EQ(pool.free_slots(kLarge), 0u);
  EXPECT_FALSE(pool.allocate(100).has_value());
}

TEST(BufferPool, SlotsDoNotOverlap) {
  BufferPool pool(3, 0);
  std::vector<PacketBuf> bufs;
  for (std::uint8_t i = 0; i < 3; ++i) {
    auto p = pool.allocate(BufferPool::kSmallSlot - kMaxHeadroom);
    ASSERT_TRUE(p.has_value());
    p->push_front(kMaxHeadroom);
    fill(p->append(p->tailroom()), i);
    fill(p->bytes().first(kMaxHeadroom), i);
    bufs.push_back(std::move(*p));
  }
  for (std::uint8_t i = 0; i < 3; ++i) {
    EXPECT_EQ(bufs[i].size(), BufferPool::kSmallSlot);
    for (auto b : bufs[i].bytes()) ASSERT_EQ(static_cast<std::uint8_t>(b), i);
  }
}

TEST(PacketBuf, CloneCopiesBytesMarksAndIdIntoAnotherSlot) {
  BufferPool pool(2, 0);
  auto p = pool.allocate(16, 64);
  fill(p->append(16), 0x42);
  p->push_front(14);
  p->set_mark(&core::LayerMarks::link);
  p->set_mark(&core::LayerMarks::net, 14);
  p->id = PacketId{77};

  auto c = p->clone();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(pool.in_use(), 2u);
  EXPECT_NE(c->bytes().data(), p->bytes().data());
  EXPECT_EQ(to_vec(c->bytes()), to_vec(p->bytes()));
  EXPECT_EQ(c->headroom(), p->headroom());
  EXPECT_EQ(c->marks().link, 0);
  EXPECT_EQ(c->marks().net, 14);
  EXPECT_EQ(c->marks().transport, LayerMarks::kNone);
  EXPECT_EQ(c->id, PacketId{77});

  fill(p->bytes(), 0x00);  // the copy is independent
  EXPECT_EQ(static_cast<std::uint8_t>(c->bytes()[20]), 0x42);
}

TEST(PacketBuf, CloneOfLargePacketKeepsAllBytes) {
  BufferPool pool(0, 2);
  auto p = pool.allocate(60000);
  auto d = p->append(60000);
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = std::byte(i * 31);
  auto c = p->clone();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(to_vec(c->bytes()), to_vec(p->bytes()));
}

TEST(PacketBuf, CloneFailsWhenPoolIsExhausted) {
  BufferPool pool(1, 0);
  auto p = pool.allocate(10);
  p->append(10);
  EXPECT_FALSE(p->clone().has_value());
  EXPECT_EQ(pool.in_use(), 1u);
}

}  // namespace
}  // namespace strata::core
