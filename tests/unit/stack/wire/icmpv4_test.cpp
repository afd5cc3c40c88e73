// SPDX-License-Identifier: MIT
// Icmpv4View / Icmpv4Header: RFC 792 messages, echo and errors with their quoted header.
#include "stack/wire/icmpv4.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stack/wire/ipv4.hpp"
#include "stack/wire/udp.hpp"
#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::copy;
using test::mut;
using test::to_vec;
using test::view;

// Linux `ping 127.0.0.1` (captured on loopback), the ICMP message: echo request id 0x7f41 seq 1,
// checksum 0x1abe, 56 bytes of data (a timeval, then 0x10..0x37).
constexpr std::uint8_t kEchoRequest[] = {
    0x08, 0x00, 0x1a, 0xbe, 0x7f, 0x41, 0x00, 0x01, 0xea, 0xa8, 0x09, 0x6b, 0x00, 0x00, 0x00, 0x00,
    0xa7, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
    0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};

// dhcp-rfc4388.pcap frame 2, the ICMP message: echo request id 0x4024 seq 0, 20 zero bytes of data.
constexpr std::uint8_t kEchoRequestZeros[] = {
    0x08, 0x00, 0xb7, 0xdb, 0x40, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

// afs.pcap frame 583, the ICMP message: port unreachable from 131.151.32.21, quoting the whole UDP datagram
// 131.151.1.146:7002 -> 131.151.32.21:1799 (IPv4 header 20 bytes + UDP 44 bytes).
constexpr std::uint8_t kPortUnreachable[] = {
    0x03, 0x03, 0x26, 0x10, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x40, 0x02, 0x76, 0x40,
    0x00, 0xfe, 0x11, 0x51, 0x61, 0x83, 0x97, 0x01, 0x92, 0x83, 0x97, 0x20, 0x15, 0x1b, 0x5a,
    0x07, 0x07, 0x00, 0x2c, 0x32, 0x4f, 0x38, 0x2b, 0x39, 0x94, 0xe0, 0xb5, 0x17, 0x50, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x06, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x16, 0xf7,
};

TEST(Icmpv4View, ParsesKnownPacket) {
  auto icmp = Icmpv4View::parse(view(kEchoRequest));
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), icmp_type::kEchoRequest);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_EQ(icmp->checksum(), 0x1abe);
  EXPECT_EQ(icmp->echo_id(), 0x7f41);
  EXPECT_EQ(icmp->echo_seq(), 1);
  EXPECT_TRUE(icmp->checksum_ok());
  ASSERT_EQ(icmp->body().size(), 56u);
  EXPECT_EQ(icmp->body().data(), view(kEchoRequest).data() + 8);
  EXPECT_EQ(icmp->bytes().size(), sizeof kEchoRequest);
}

TEST(Icmpv4View, ParsesKnownEchoWithZeroData) {
  auto icmp = Icmpv4View::parse(view(kEchoRequestZeros));
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->echo_id(), 0x4024);
  EXPECT_EQ(icmp->echo_seq(), 0);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(to_vec(icmp->body()), std::vector<std::uint8_t>(20, 0));
}

TEST(Icmpv4View, ChecksumOkFailsOnCorruptedBody) {
  auto p = copy(kEchoRequest);
  p[40] ^= 0x01;
  auto icmp = Icmpv4View::parse(view(p));
  ASSERT_TRUE(icmp.ok());
  EXPECT_FALSE(icmp->checksum_ok());
}

TEST(Icmpv4View, ChecksumOkCoversOddLengthMessage) {
  // The last byte of an odd-length message is padded with zero for the sum: appending a zero byte to a valid
  // even-length message leaves it valid, appending a nonzero byte does not.
  auto p = copy(kEchoRequest);
  p.push_back(0x00);
  EXPECT_TRUE(Icmpv4View::parse(view(p))->checksum_ok());
  p.back() = 0x01;
  EXPECT_FALSE(Icmpv4View::parse(view(p))->checksum_ok());
}

TEST(Icmpv4View, ParsesPortUnreachableWithQuotedHeader) {
  auto icmp = Icmpv4View::parse(view(kPortUnreachable));
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), icmp_code::kPortUnreachable);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->next_hop_mtu(), 0);
  EXPECT_TRUE(icmp_type::is_error(icmp->type()));

  auto quoted = Ipv4View::parse(icmp->body());
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->src().to_string(), "131.151.1.146");
  EXPECT_EQ(quoted->dst().to_string(), "131.151.32.21");
  EXPECT_EQ(quoted->protocol(), ip_proto::kUdp);
  EXPECT_TRUE(quoted->checksum_ok());
  auto udp = UdpView::parse(quoted->payload());
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->src_port(), 7002);
  EXPECT_EQ(udp->dst_port(), 1799);
}

TEST(Icmpv4View, RejectsMessageShorterThanEightBytesAsTruncated) {
  for (std::size_t n : {0u, 1u, 4u, 7u}) {
    auto icmp = Icmpv4View::parse(view(kEchoRequest).first(n));
    ASSERT_FALSE(icmp.ok()) << n;
    EXPECT_EQ(icmp.error(), Reason::IcmpTruncated) << n;
  }
}

TEST(Icmpv4View, AcceptsBareEightByteHeader) {
  auto icmp = Icmpv4View::parse(view(kEchoRequest).first(8));
  ASSERT_TRUE(icmp.ok());
  EXPECT_TRUE(icmp->body().empty());
}

TEST(Icmpv4Header, EmitsIdenticalBytes) {
  for (core::Bytes known : {view(kEchoRequest), view(kEchoRequestZeros)}) {
    auto icmp = Icmpv4View::parse(known);
    ASSERT_TRUE(icmp.ok());
    auto out = to_vec(known);
    std::fill(out.begin(), out.begin() + 8, 0xee);  // header overwritten by emit
    const Icmpv4Header h{icmp->type(), icmp->code(),
                         static_cast<std::uint32_t>(icmp->echo_id()) << 16 | icmp->echo_seq()};
    h.emit_with_checksum(mut(out));
    EXPECT_EQ(out, to_vec(known));
  }
}

TEST(Icmpv4Header, EmitsIdenticalPortUnreachable) {
  auto out = copy(kPortUnreachable);
  std::fill(out.begin(), out.begin() + 8, 0);
  Icmpv4Header{icmp_type::kDestUnreachable, icmp_code::kPortUnreachable, 0}.emit_with_checksum(mut(out));
  EXPECT_EQ(out, copy(kPortUnreachable));
}

TEST(Icmpv4Header, EmitWithChecksumIsVerifiedByChecksumOk) {
  std::vector<std::uint8_t> msg(8 + 37);  // odd-length body
  for (std::size_t i = 8; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i * 7);
  Icmpv4Header{icmp_type::kEchoReply, 0, 0x12345678}.emit_with_checksum(mut(msg));
  auto icmp = Icmpv4View::parse(view(msg));
  ASSERT_TRUE(icmp.ok());
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->type(), icmp_type::kEchoReply);
  EXPECT_EQ(icmp->echo_id(), 0x1234);
  EXPECT_EQ(icmp->echo_seq(), 0x5678);
}

TEST(Icmpv4Header, EmitsFragmentationNeededWithNextHopMtu) {
  std::vector<std::uint8_t> msg(8 + 28, 0x45);
  Icmpv4Header{icmp_type::kDestUnreachable, icmp_code::kFragmentationNeeded, 1400}.emit_with_checksum(
      mut(msg));
  auto icmp = Icmpv4View::parse(view(msg));
  ASSERT_TRUE(icmp.ok());
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->code(), icmp_code::kFragmentationNeeded);
  EXPECT_EQ(icmp->next_hop_mtu(), 1400);
}

TEST(IcmpType, ClassifiesErrorMessages) {
  for (std::uint8_t t : {3, 4, 5, 11, 12}) EXPECT_TRUE(icmp_type::is_error(t)) << int{t};
  for (std::uint8_t t : {0, 8, 9, 10, 13, 14, 255}) EXPECT_FALSE(icmp_type::is_error(t)) << int{t};
}

}  // namespace
}  // namespace strata::wire
