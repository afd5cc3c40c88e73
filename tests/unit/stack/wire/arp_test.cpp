// SPDX-License-Identifier: MIT
// ArpView / ArpPeek / ArpPacket: Ethernet + IPv4 ARP (RFC 826) and the lenient peek at other ARP.
#include "stack/wire/arp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::copy;
using test::to_vec;
using test::view;

// bgp-4byte-asn.pcap frame 1, after the Ethernet header: who has 1.0.2.1? tell 1.0.2.2 (02:01:00:01:00:00).
constexpr std::uint8_t kRequest[] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x01, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x01,
};

// bgp-4byte-asn.pcap frame 2, after the Ethernet header: 1.0.2.1 is at e2:c3:b4:8e:87:60.
constexpr std::uint8_t kReply[] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0xe2, 0xc3, 0xb4, 0x8e, 0x87, 0x60,
    0x01, 0x00, 0x02, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02,
};

// arp-oobr.pcap frame 1, after the Ethernet header: a request with the 18 bytes of Ethernet padding that
// bring the frame to 60 bytes.
constexpr std::uint8_t kPaddedRequest[] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79, 0xc0, 0xa8,
    0x01, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// arp-too-long-tha.pcap frame 1, after 0x88a8-tagged Ethernet, the first 44 bytes: hardware type 0x3030,
// hardware length 14, IPv4 protocol addresses (every address byte 0x30: 48.48.48.48).
constexpr std::uint8_t kUnusualArp[] = {
    0x30, 0x30, 0x08, 0x00, 0x0e, 0x04, 0x00, 0x01, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
};

TEST(ArpView, ParsesKnownPacket) {
  auto arp = ArpView::parse(view(kRequest));
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->opcode(), static_cast<std::uint16_t>(ArpOp::Request));
  EXPECT_EQ(arp->sender_mac().to_string(), "02:01:00:01:00:00");
  EXPECT_EQ(arp->sender_ip().to_string(), "1.0.2.2");
  EXPECT_TRUE(arp->target_mac().is_zero());
  EXPECT_EQ(arp->target_ip().to_string(), "1.0.2.1");
}

TEST(ArpView, ParsesKnownReply) {
  auto arp = ArpView::parse(view(kReply));
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->opcode(), static_cast<std::uint16_t>(ArpOp::Reply));
  EXPECT_EQ(arp->sender_mac().to_string(), "e2:c3:b4:8e:87:60");
  EXPECT_EQ(arp->sender_ip().to_string(), "1.0.2.1");
  EXPECT_EQ(arp->target_mac().to_string(), "02:01:00:01:00:00");
  EXPECT_EQ(arp->target_ip().to_string(), "1.0.2.2");
}

TEST(ArpView, IgnoresEthernetPaddingAfterTheAddresses) {
  auto arp = ArpView::parse(view(kPaddedRequest));
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->sender_mac().to_string(), "00:1f:29:da:2d:79");
  EXPECT_EQ(arp->sender_ip().to_string(), "192.168.1.104");
  EXPECT_EQ(arp->target_ip().to_string(), "192.168.1.1");
}

TEST(ArpView, RejectsUnsupportedHardwareType) {
  auto p = copy(kRequest);
  p[1] = 6;  // hrd 6: IEEE 802 networks
  auto arp = ArpView::parse(view(p));
  ASSERT_FALSE(arp.ok());
  EXPECT_EQ(arp.error(), Reason::ArpUnsupportedHardware);
}

TEST(ArpView, RejectsEthernetWithWrongHardwareLength) {
  auto p = copy(kRequest);
  p[4] = 8;
  EXPECT_EQ(ArpView::parse(view(p)).error(), Reason::ArpUnsupportedHardware);
}

TEST(ArpView, RejectsUnsupportedProtocolType) {
  auto p = copy(kRequest);
  p[2] = 0x86;  // pro 0x86dd: IPv6
  p[3] = 0xdd;
  auto arp = ArpView::parse(view(p));
  ASSERT_FALSE(arp.ok());
  EXPECT_EQ(arp.error(), Reason::ArpUnsupportedProtocol);
}

TEST(ArpView, RejectsIpv4WithWrongProtocolLength) {
  auto p = copy(kRequest);
  p[5] = 16;
  EXPECT_EQ(ArpView::parse(view(p)).error(), Reason::ArpUnsupportedProtocol);
}

TEST(ArpView, RejectsOpcodeOtherThanRequestOrReply) {
  for (std::uint8_t op : {0, 3, 4, 8, 9}) {  // 3/4: RARP, 8/9: InARP
    auto p = copy(kRequest);
    p[7] = op;
    auto arp = ArpView::parse(view(p));
    ASSERT_FALSE(arp.ok()) << int{op};
    EXPECT_EQ(arp.error(), Reason::ArpBadOpcode) << int{op};
  }
}

TEST(ArpView, RejectsTwentySevenBytesAsTruncated) {
  auto arp = ArpView::parse(view(kRequest).first(27));
  ASSERT_FALSE(arp.ok());
  EXPECT_EQ(arp.error(), Reason::ArpTruncated);
}

TEST(ArpView, RejectsPacketShorterThanFixedPartAsTruncated) {
  for (std::size_t n : {0u, 1u, 7u})
    EXPECT_EQ(ArpView::parse(view(kRequest).first(n)).error(), Reason::ArpTruncated);
}

TEST(ArpView, ReportsUnsupportedHardwareBeforeTruncation) {
  // The fixed part says what the packet is, so a short non-Ethernet ARP is reported as unsupported.
  EXPECT_EQ(ArpView::parse(view(kUnusualArp).first(20)).error(), Reason::ArpUnsupportedHardware);
}

TEST(ArpPeek, ReadsOpcodeAndIpv4AddressesOfUnusualArp) {
  ASSERT_EQ(ArpView::parse(view(kUnusualArp)).error(), Reason::ArpUnsupportedHardware);
  ArpPeek peek;
  ASSERT_TRUE(ArpPeek::peek(view(kUnusualArp), peek));
  EXPECT_EQ(peek.opcode, 1);
  EXPECT_TRUE(peek.has_ipv4);
  EXPECT_EQ(peek.spa.to_string(), "48.48.48.48");
  EXPECT_EQ(peek.tpa.to_string(), "48.48.48.48");
}

TEST(ArpPeek, FindsAddressesAfterLongHardwareAddresses) {
  // An InfiniBand ARP (hrd 32, 20-byte hardware addresses): the IPv4 addresses follow each hardware address.
  std::vector<std::uint8_t> p = {0x00, 0x20, 0x08, 0x00, 20, 4, 0x00, 0x02};
  p.insert(p.end(), 20, 0xa1);
  p.insert(p.end(), {10, 0, 0, 1});
  p.insert(p.end(), 20, 0xb2);
  p.insert(p.end(), {10, 0, 0, 2});
  ArpPeek peek;
  ASSERT_TRUE(ArpPeek::peek(view(p), peek));
  EXPECT_EQ(peek.opcode, 2);
  ASSERT_TRUE(peek.has_ipv4);
  EXPECT_EQ(peek.spa.to_string(), "10.0.0.1");
  EXPECT_EQ(peek.tpa.to_string(), "10.0.0.2");
  // One byte short of the target address: the opcode is still read, the addresses are not.
  ArpPeek cut;
  ASSERT_TRUE(ArpPeek::peek(view(p).first(p.size() - 1), cut));
  EXPECT_EQ(cut.opcode, 2);
  EXPECT_FALSE(cut.has_ipv4);
}

TEST(ArpPeek, ReadsEthernetIpv4ArpLikeTheView) {
  ArpPeek peek;
  ASSERT_TRUE(ArpPeek::peek(view(kReply), peek));
  EXPECT_EQ(peek.opcode, 2);
  ASSERT_TRUE(peek.has_ipv4);
  EXPECT_EQ(peek.spa.to_string(), "1.0.2.1");
  EXPECT_EQ(peek.tpa.to_string(), "1.0.2.2");
}

TEST(ArpPeek, ReadsOpcodeOfNonIpv4Arp) {
  auto p = copy(kRequest);
  p[2] = 0x86;
  p[3] = 0xdd;
  p[7] = 3;
  ArpPeek peek;
  ASSERT_TRUE(ArpPeek::peek(view(p), peek));
  EXPECT_EQ(peek.opcode, 3);
  EXPECT_FALSE(peek.has_ipv4);
}

TEST(ArpPeek, FailsOnPacketShorterThanFixedPart) {
  ArpPeek peek;
  EXPECT_FALSE(ArpPeek::peek(view(kRequest).first(7), peek));
  EXPECT_FALSE(ArpPeek::peek(core::Bytes{}, peek));
  EXPECT_TRUE(ArpPeek::peek(view(kRequest).first(8), peek));
  EXPECT_FALSE(peek.has_ipv4);
}

TEST(ArpPacket, EmitsIdenticalBytes) {
  for (core::Bytes known : {view(kRequest), view(kReply)}) {
    auto arp = ArpView::parse(known);
    ASSERT_TRUE(arp.ok());
    const ArpPacket pkt = ArpPacket::from(*arp);
    std::vector<std::uint8_t> out(ArpPacket::wire_size(), 0xee);
    pkt.emit(std::as_writable_bytes(std::span(out)));
    EXPECT_EQ(out, to_vec(known));
  }
}

TEST(ArpPacket, RoundTripsThroughParse) {
  ArpPacket pkt;
  pkt.op = ArpOp::Reply;
  pkt.sender_mac = *MacAddress::parse("52:54:00:12:34:56");
  pkt.sender_ip = *Ipv4Address::parse("10.0.0.1");
  pkt.target_mac = *MacAddress::parse("52:54:00:ab:cd:ef");
  pkt.target_ip = *Ipv4Address::parse("10.0.0.2");
  std::vector<std::uint8_t> out(kArpLen);
  pkt.emit(std::as_writable_bytes(std::span(out)));
  auto arp = ArpView::parse(view(out));
  ASSERT_TRUE(arp.ok());
  const ArpPacket back = ArpPacket::from(*arp);
  EXPECT_EQ(back.op, pkt.op);
  EXPECT_EQ(back.sender_mac, pkt.sender_mac);
  EXPECT_EQ(back.sender_ip, pkt.sender_ip);
  EXPECT_EQ(back.target_mac, pkt.target_mac);
  EXPECT_EQ(back.target_ip, pkt.target_ip);
}

}  // namespace
}  // namespace strata::wire
