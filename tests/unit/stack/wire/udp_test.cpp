// SPDX-License-Identifier: MIT
// UdpView / UdpHeader: RFC 768 headers, the length checked against the IP payload, pseudo-header checksum.
#include "stack/wire/udp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"
#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::copy;
using test::mut;
using test::view;

// RADIUS-port1700.pcap frame 1, the UDP datagram: 127.0.0.1:42172 -> 127.0.0.1:1700, length 33,
// checksum 0xcdcf (good), 25 bytes of RADIUS.
constexpr std::uint8_t kDatagram[] = {
    0xa4, 0xbc, 0x06, 0xa4, 0x00, 0x21, 0xcd, 0xcf, 0x2b, 0xa6, 0x00, 0x19, 0x7f, 0xbf, 0x02, 0xc6, 0x66,
    0x2b, 0x59, 0x90, 0x83, 0x8a, 0x5e, 0x6e, 0x33, 0x1b, 0x3f, 0xf0, 0x01, 0x05, 0x62, 0x6f, 0x62,
};
constexpr Ipv4Address kLoopback = Ipv4Address::from_octets(127, 0, 0, 1);

// lmp.pcap frame 2, the UDP datagram: 10.0.12.1:49998 -> 10.0.12.2:49998, length 36, no checksum (0).
constexpr std::uint8_t kNoChecksumDatagram[] = {
    0xc3, 0x4e, 0xc3, 0x4e, 0x00, 0x24, 0x00, 0x00, 0x10, 0x00, 0x00, 0x04,
    0x00, 0x1c, 0x00, 0x00, 0x01, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01,
    0x01, 0x07, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x32, 0x00, 0x00, 0x00, 0x3c,
};

TEST(UdpView, ParsesKnownPacket) {
  auto udp = UdpView::parse(view(kDatagram));
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->src_port(), 42172);
  EXPECT_EQ(udp->dst_port(), 1700);
  EXPECT_EQ(udp->length(), 33);
  EXPECT_EQ(udp->checksum(), 0xcdcf);
  EXPECT_TRUE(udp->check_length(sizeof kDatagram).ok());
  EXPECT_TRUE(udp->checksum_ok(kLoopback, kLoopback));
  ASSERT_EQ(udp->payload().size(), 25u);
  EXPECT_EQ(udp->payload().data(), view(kDatagram).data() + 8);
}

TEST(UdpView, ChecksumOkCoversPseudoHeaderAndData) {
  auto udp = UdpView::parse(view(kDatagram));
  ASSERT_TRUE(udp.ok());
  EXPECT_FALSE(udp->checksum_ok(kLoopback, Ipv4Address::from_octets(127, 0, 0, 2)));
  auto p = copy(kDatagram);
  p[20] ^= 0x40;
  EXPECT_FALSE(UdpView::parse(view(p))->checksum_ok(kLoopback, kLoopback));
}

// kDatagram behind an IPv4 header (127.0.0.1 -> 127.0.0.1, UDP) with `options` bytes of NOP options.
std::vector<std::uint8_t> in_ipv4(std::size_t options) {
  std::vector<std::uint8_t> d(20 + options, 1);
  const std::size_t total = d.size() + sizeof kDatagram;
  d[0] = static_cast<std::uint8_t>(0x40 | d.size() / 4);
  d[1] = 0;
  d[2] = static_cast<std::uint8_t>(total >> 8);
  d[3] = static_cast<std::uint8_t>(total);
  std::fill(d.begin() + 4, d.begin() + 20, 0);
  d[8] = 64;
  d[9] = 17;
  for (std::size_t at : {12, 16}) {
    d[at] = 127;
    d[at + 3] = 1;
  }
  d.insert(d.end(), std::begin(kDatagram), std::end(kDatagram));
  return d;
}

TEST(UdpView, ChecksumGivenTheIpv4HeaderReadsTheAddressesInPlace) {
  // Without options the addresses and the datagram are summed as one run; with options, and for a datagram
  // that is not right behind its header, the addresses are added on their own. All must agree.
  for (std::size_t options : {0u, 4u, 40u}) {
    auto d = in_ipv4(options);
    auto ip = Ipv4View::parse(view(d));
    ASSERT_TRUE(ip.ok()) << options;
    auto udp = UdpView::parse(ip->payload());
    ASSERT_TRUE(udp.ok() && udp->check_length(ip->payload().size()).ok()) << options;
    EXPECT_TRUE(udp->checksum_ok(*ip)) << options;
    EXPECT_TRUE(UdpView::parse(view(kDatagram))->checksum_ok(*ip)) << options;  // not behind its header

    auto other_src = d;
    other_src[15] = 2;  // 127.0.0.2
    ip = Ipv4View::parse(view(other_src));
    EXPECT_FALSE(UdpView::parse(ip->payload())->checksum_ok(*ip)) << options;
    auto flipped = d;
    flipped.back() ^= 0x10;
    ip = Ipv4View::parse(view(flipped));
    EXPECT_FALSE(UdpView::parse(ip->payload())->checksum_ok(*ip)) << options;
  }
}

TEST(UdpView, ChecksumIgnoresBytesBeyondLength) {
  auto p = copy(kDatagram);
  p.insert(p.end(), {0xde, 0xad, 0xbe, 0xef});  // trailing bytes inside the IP payload
  auto udp = UdpView::parse(view(p));
  ASSERT_TRUE(udp.ok());
  EXPECT_TRUE(udp->check_length(p.size()).ok());
  EXPECT_TRUE(udp->checksum_ok(kLoopback, kLoopback));
  EXPECT_EQ(udp->payload().size(), 25u);
}

TEST(UdpView, ReadsZeroChecksumAsSent) {
  // RFC 768: zero means the sender computed none; the UDP layer skips verification (the view reports 0).
  auto udp = UdpView::parse(view(kNoChecksumDatagram));
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->checksum(), 0);
  EXPECT_EQ(udp->src_port(), 49998);
  EXPECT_EQ(udp->length(), 36);
  EXPECT_TRUE(udp->check_length(36).ok());
  EXPECT_EQ(udp->payload().size(), 28u);
}

TEST(UdpView, RejectsBufferShorterThanHeaderAsTruncated) {
  for (std::size_t n : {0u, 1u, 7u}) {
    auto udp = UdpView::parse(view(kDatagram).first(n));
    ASSERT_FALSE(udp.ok()) << n;
    EXPECT_EQ(udp.error(), Reason::UdpTruncated) << n;
  }
}

TEST(UdpView, RejectsLengthBelowEightAsBadLength) {
  for (std::uint8_t len : {0, 1, 7}) {
    auto p = copy(kDatagram);
    p[4] = 0;
    p[5] = len;
    auto udp = UdpView::parse(view(p));
    ASSERT_TRUE(udp.ok());  // the header itself is readable
    auto check = udp->check_length(p.size());
    ASSERT_FALSE(check.ok()) << int{len};
    EXPECT_EQ(check.error(), Reason::UdpBadLength) << int{len};
  }
}

TEST(UdpView, AcceptsLengthEightWithEmptyPayload) {
  auto p = copy(kDatagram);
  p[5] = 8;
  auto udp = UdpView::parse(view(p));
  ASSERT_TRUE(udp->check_length(p.size()).ok());
  EXPECT_TRUE(udp->payload().empty());
}

TEST(UdpView, RejectsLengthBeyondIpPayloadAsBadLength) {
  auto udp = UdpView::parse(view(kDatagram));
  ASSERT_TRUE(udp.ok());
  auto check = udp->check_length(32);  // IP says 32 bytes of payload, UDP says 33
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error(), Reason::UdpBadLength);
}

TEST(UdpView, RejectsDatagramCutByCaptureAsTruncated) {
  // The IP header promised all 33 bytes; the capture kept anything from the 8-byte header to one byte short.
  for (std::size_t kept = 8; kept < sizeof kDatagram; ++kept) {
    auto udp = UdpView::parse(view(kDatagram).first(kept));
    ASSERT_TRUE(udp.ok());
    auto check = udp->check_length(33);
    ASSERT_FALSE(check.ok()) << kept;
    EXPECT_EQ(check.error(), Reason::UdpTruncated) << kept;
  }
}

TEST(UdpView, ReportsBadLengthBeforeTruncation) {
  auto p = copy(kDatagram);
  p[5] = 4;
  auto udp = UdpView::parse(view(p).first(10));
  EXPECT_EQ(udp->check_length(33).error(), Reason::UdpBadLength);
}

TEST(UdpHeader, EmitsIdenticalBytes) {
  auto out = copy(kDatagram);
  std::fill(out.begin(), out.begin() + 8, 0xee);
  UdpHeader{42172, 1700, 33}.emit_with_checksum(mut(out), kLoopback, kLoopback);
  EXPECT_EQ(out, copy(kDatagram));
}

TEST(UdpHeader, EmitWithChecksumIsVerifiedByChecksumOk) {
  const auto src = *Ipv4Address::parse("192.0.2.1"), dst = *Ipv4Address::parse("198.51.100.2");
  std::vector<std::uint8_t> d(8 + 13);  // odd length
  for (std::size_t i = 8; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(0x61 + i);
  UdpHeader{5353, 53, static_cast<std::uint16_t>(d.size())}.emit_with_checksum(mut(d), src, dst);
  auto udp = UdpView::parse(view(d));
  ASSERT_TRUE(udp.ok());
  ASSERT_TRUE(udp->check_length(d.size()).ok());
  EXPECT_NE(udp->checksum(), 0);
  EXPECT_TRUE(udp->checksum_ok(src, dst));
  EXPECT_EQ(udp->src_port(), 5353);
  EXPECT_EQ(udp->dst_port(), 53);
  EXPECT_EQ(udp->length(), d.size());
}

TEST(UdpHeader, SendsComputedZeroChecksumAsAllOnes) {
  // 10.0.0.1:1000 -> 10.0.0.2:2000, two bytes of data chosen so the one's-complement sum of pseudo-header,
  // header and data is 0xffff: the computed checksum is 0, which RFC 768 says to send as 0xffff.
  const auto src = *Ipv4Address::parse("10.0.0.1"), dst = *Ipv4Address::parse("10.0.0.2");
  std::vector<std::uint8_t> d = {0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0a, 0x00, 0x00, 0xe0, 0x1f};
  ASSERT_EQ(ones_sum_scalar(view(d), pseudo_header_sum(src.value, dst.value, ip_proto::kUdp, 10)), 0xffff)
      << "precondition: the computed checksum is zero";

  std::fill(d.begin(), d.begin() + 8, 0xee);
  UdpHeader{1000, 2000, 10}.emit_with_checksum(mut(d), src, dst);
  auto udp = UdpView::parse(view(d));
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->checksum(), 0xffff);
  EXPECT_TRUE(udp->checksum_ok(src, dst));
}

TEST(UdpHeader, EmitWithPayloadMatchesEmitWithChecksumAtEveryLength) {
  // Short payloads (one sum from the header's words, one fold) and long ones (the vector kernel), odd
  // lengths, and addresses and ports whose words carry.
  const std::pair<Ipv4Address, Ipv4Address> addrs[] = {
      {*Ipv4Address::parse("10.0.0.1"), *Ipv4Address::parse("10.0.0.2")},
      {*Ipv4Address::parse("255.255.255.255"), *Ipv4Address::parse("255.255.255.254")},
      {Ipv4Address::any(), *Ipv4Address::parse("0.0.0.1")},
  };
  std::uint32_t x = 12345;
  for (std::size_t n = 0; n <= 3 * detail::kShortInput; ++n) {
    std::vector<std::uint8_t> payload(n);
    for (auto& b : payload) b = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 16);
    const auto len = static_cast<std::uint16_t>(8 + n);
    for (const auto& [src, dst] : addrs) {
      for (const std::uint16_t port : {std::uint16_t{0}, std::uint16_t{53}, std::uint16_t{0xffff}}) {
        const UdpHeader h{port, static_cast<std::uint16_t>(~port), len};
        std::vector<std::uint8_t> want(len);
        std::copy(payload.begin(), payload.end(), want.begin() + 8);
        h.emit_with_checksum(mut(want), src, dst);
        std::vector<std::uint8_t> got = want;
        std::fill(got.begin(), got.begin() + 8, 0xee);
        h.emit_with_payload(mut(got), src, dst, view(payload));
        EXPECT_EQ(got, want) << "n=" << n << " port=" << port;
      }
    }
  }
}

TEST(UdpHeader, EmitWithPayloadSendsComputedZeroChecksumAsAllOnes) {
  // As SendsComputedZeroChecksumAsAllOnes: the checksum computed over these two bytes is 0.
  const auto src = *Ipv4Address::parse("10.0.0.1"), dst = *Ipv4Address::parse("10.0.0.2");
  const std::vector<std::uint8_t> payload = {0xe0, 0x1f};
  std::vector<std::uint8_t> d = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xe0, 0x1f};
  UdpHeader{1000, 2000, 10}.emit_with_payload(mut(d), src, dst, view(payload));
  auto udp = UdpView::parse(view(d));
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->checksum(), 0xffff);
  EXPECT_TRUE(udp->checksum_ok(src, dst));
}

}  // namespace
}  // namespace strata::wire
