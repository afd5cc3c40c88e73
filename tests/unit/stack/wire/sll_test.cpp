// SPDX-License-Identifier: MIT
// SllView: Linux cooked capture headers, LINUX_SLL (16 bytes) and LINUX_SLL2 (20 bytes).
#include "stack/wire/sll.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::to_vec;
using test::view;

// mptcp-v1.pcap frame 1 (tcpdump tests, LINUX_SLL): packet type 0 (to us), ARPHRD_ETHER, 6-byte address
// 32:32:87:aa:04:02, protocol IPv4; then a TCP SYN 10.0.1.1 -> 10.0.2.1. 80 bytes.
constexpr std::uint8_t kSllFrame[] = {
    0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x32, 0x32, 0x87, 0xaa, 0x04, 0x02, 0x00, 0x00, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x40, 0xad, 0x7f, 0x40, 0x00, 0x40, 0x06, 0x76, 0x37, 0x0a, 0x00, 0x01, 0x01,
    0x0a, 0x00, 0x02, 0x01, 0x82, 0x1a, 0x27, 0x14, 0x81, 0xfb, 0xb5, 0xfd, 0x00, 0x00, 0x00, 0x00,
    0xb0, 0x02, 0xff, 0xff, 0x17, 0x34, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x1b, 0xaf, 0x9e, 0xa1, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x08, 0x1e, 0x04, 0x01, 0x01,
};

// tcp-handshake-nano.pcap frame 1 (LINUX_SLL), header only: packet type 4 (outgoing), ARPHRD_PPP (512),
// no link-layer address, protocol IPv4.
constexpr std::uint8_t kSllPppHeader[] = {
    0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
};

// `tcpdump -i any -y LINUX_SLL2` on Linux loopback, `ping 127.0.0.1`: protocol IPv4, ifindex 1,
// ARPHRD_LOOPBACK (772), packet type 0, 6-byte (zero) address; then an ICMP echo request. 104 bytes.
constexpr std::uint8_t kSll2Frame[] = {
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x54, 0xc3, 0xf5, 0x40, 0x00, 0x40, 0x01,
    0x78, 0xb1, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x08, 0x00, 0x1a, 0xbe, 0x7f,
    0x41, 0x00, 0x01, 0xea, 0xa8, 0x09, 0x6b, 0x00, 0x00, 0x00, 0x00, 0xa7, 0x18, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
    0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};

TEST(SllView, ParsesKnownPacket) {
  auto sll = SllView::parse(view(kSllFrame));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->packet_type(), 0);
  EXPECT_EQ(sll->arphrd_type(), 1);
  EXPECT_EQ(sll->address_len(), 6);
  EXPECT_EQ(to_vec(sll->address()), (std::vector<std::uint8_t>{0x32, 0x32, 0x87, 0xaa, 0x04, 0x02}));
  EXPECT_EQ(sll->protocol(), 0x0800);
  EXPECT_EQ(sll->interface_index(), 0u);  // SLL v1 has none
  EXPECT_EQ(sll->header_len(), kSllHeaderLen);
  ASSERT_EQ(sll->payload().size(), sizeof kSllFrame - 16);
  EXPECT_EQ(sll->payload().data(), view(kSllFrame).data() + 16);
}

TEST(SllView, ParsesOutgoingPacketWithoutLinkAddress) {
  auto sll = SllView::parse(view(kSllPppHeader));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->packet_type(), 4);
  EXPECT_EQ(sll->arphrd_type(), 512);
  EXPECT_EQ(sll->address_len(), 0);
  EXPECT_TRUE(sll->address().empty());
  EXPECT_EQ(sll->protocol(), 0x0800);
  EXPECT_TRUE(sll->payload().empty());
}

TEST(SllView, ClampsAddressToEightBytes) {
  std::vector<std::uint8_t> f(std::begin(kSllFrame), std::end(kSllFrame));
  f[4] = 0x00;
  f[5] = 20;  // e.g. an IPoIB hardware address: longer than the 8-byte field
  auto sll = SllView::parse(view(f));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->address_len(), 20);
  EXPECT_EQ(sll->address().size(), 8u);
  EXPECT_EQ(sll->address().data(), view(f).data() + 6);
  EXPECT_EQ(sll->protocol(), 0x0800);
}

TEST(SllView, RejectsFrameShorterThanSixteenBytesAsTruncated) {
  for (std::size_t n : {0u, 1u, 14u, 15u}) {
    auto sll = SllView::parse(view(kSllFrame).first(n));
    ASSERT_FALSE(sll.ok()) << n;
    EXPECT_EQ(sll.error(), Reason::LinkTruncated) << n;
  }
}

TEST(SllView, ParsesKnownSll2Packet) {
  auto sll = SllView::parse2(view(kSll2Frame));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->protocol(), 0x0800);
  EXPECT_EQ(sll->interface_index(), 1u);
  EXPECT_EQ(sll->arphrd_type(), 772);
  EXPECT_EQ(sll->packet_type(), 0);
  EXPECT_EQ(sll->address_len(), 6);
  EXPECT_EQ(to_vec(sll->address()), std::vector<std::uint8_t>(6, 0));
  EXPECT_EQ(sll->address().data(), view(kSll2Frame).data() + 12);
  EXPECT_EQ(sll->header_len(), kSll2HeaderLen);
  ASSERT_EQ(sll->payload().size(), 84u);
  EXPECT_EQ(static_cast<std::uint8_t>(sll->payload()[0]), 0x45);
}

TEST(SllView, ReadsSll2FieldsAtTheirOwnOffsets) {
  // Distinct values in every SLL2 field, so a field read at SLL v1's offset shows.
  const std::vector<std::uint8_t> f = {
      0x08, 0x06,              // protocol ARP
      0x00, 0x00,              // reserved
      0x01, 0x02, 0x03, 0x04,  // ifindex
      0x00, 0x01,              // ARPHRD_ETHER
      0x03,                    // packet type: other host
      0x06,                    // address length
      0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x00,
  };
  auto sll = SllView::parse2(view(f));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->protocol(), 0x0806);
  EXPECT_EQ(sll->interface_index(), 0x01020304u);
  EXPECT_EQ(sll->arphrd_type(), 1);
  EXPECT_EQ(sll->packet_type(), 3);
  EXPECT_EQ(sll->address_len(), 6);
  EXPECT_EQ(to_vec(sll->address()), (std::vector<std::uint8_t>{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}));
  EXPECT_TRUE(sll->payload().empty());
}

TEST(SllView, ClampsSll2AddressToEightBytes) {
  std::vector<std::uint8_t> f(std::begin(kSll2Frame), std::end(kSll2Frame));
  f[11] = 255;
  auto sll = SllView::parse2(view(f));
  ASSERT_TRUE(sll.ok());
  EXPECT_EQ(sll->address_len(), 255);
  EXPECT_EQ(sll->address().size(), 8u);
}

TEST(SllView, RejectsSll2FrameShorterThanTwentyBytesAsTruncated) {
  for (std::size_t n : {0u, 16u, 19u}) {
    auto sll = SllView::parse2(view(kSll2Frame).first(n));
    ASSERT_FALSE(sll.ok()) << n;
    EXPECT_EQ(sll.error(), Reason::LinkTruncated) << n;
  }
  EXPECT_TRUE(SllView::parse2(view(kSll2Frame).first(20)).ok());
}

}  // namespace
}  // namespace strata::wire
