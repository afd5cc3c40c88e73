// SPDX-License-Identifier: MIT
// EthernetLayer through a Host on a TestNic: destination MAC filtering, VLAN tags, EtherType demux,
// truncation, and the RxOutcome handle_frame reports.
#include "stack/link/ethernet_layer.hpp"

#include <gtest/gtest.h>

#include "stack/socket/socket_api.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace {

using namespace strata;
using namespace strata::test;
using core::Layer;
using core::Reason;
using core::Verdict;

const wire::MacAddress kNotOurMac = mac("02:00:00:00:00:99");
constexpr std::uint16_t kPort = 7000;

class EthernetLayer : public ::testing::Test {
 protected:
  explicit EthernetLayer(HostConfig config = {}) : host_(config), nic_(kOurMac) {}
  void SetUp() override {
    nic_.attach(*host_, iface("10.0.0.1/24"));
    nic_.take_sent();
    auto fd = host_->sockets().socket(socket::kAfInet, socket::kSockDgram);
    ASSERT_TRUE(fd.ok());
    fd_ = *fd;
    ASSERT_TRUE(host_->sockets().bind(fd_, socket::SockAddrIn{wire::Ipv4Address::any(), kPort}).ok());
  }
  /// The next datagram on the bound socket, as text; empty when none.
  std::string received() {
    std::array<std::byte, 2048> buf{};
    auto n = host_->sockets().recvfrom(fd_, buf, nullptr);
    if (!n) return {};
    return std::string(reinterpret_cast<const char*>(buf.data()), *n);
  }
  FrameBuilder udp_to_us(wire::MacAddress dst_mac = kOurMac) {
    FrameBuilder b;
    b.eth(kPeerMac, dst_mac).ipv4(kPeerIp, kOurIp).udp(5000, kPort).payload("hello");
    return b;
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }

  TestHost host_;
  TestNic nic_;
  int fd_ = -1;
};

TEST_F(EthernetLayer, DeliversAFrameForOurMac) {
  auto out = nic_.inject(udp_to_us().bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(out.reason, Reason::None);
  EXPECT_EQ(received(), "hello");
  EXPECT_EQ(counter("nic.rx"), 1u);
  EXPECT_EQ(counter("link.rx"), 1u);
}

TEST_F(EthernetLayer, DropsAFrameForAnotherMac) {
  auto out = nic_.inject(udp_to_us(kNotOurMac).bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Link);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::LinkNotForUs);
  EXPECT_EQ(counter("link.drop.not_for_us"), 1u);
  EXPECT_EQ(counter("ipv4.rx"), 0u);
  EXPECT_EQ(received(), "");
}

TEST_F(EthernetLayer, AcceptsAnyMacWhenPromiscuous) {
  TestHost host(HostConfig::observer());
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24"));
  auto out = nic.inject(udp_to_us(kNotOurMac).bytes(), at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(out.layer, Layer::Udp);
}

TEST_F(EthernetLayer, AcceptsBroadcastFrames) {
  auto out = nic_.inject(FrameBuilder()
                             .eth(kPeerMac, wire::MacAddress::broadcast())
                             .ipv4(kPeerIp, wire::Ipv4Address::broadcast())
                             .udp(5000, kPort)
                             .payload("to all")
                             .bytes(),
                         at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(received(), "to all");
}

TEST_F(EthernetLayer, AcceptsMulticastFrames) {
  // 01:00:5e:00:00:01 (all-hosts) carrying an ARP request for us: the link layer lets it up.
  auto frame = FrameBuilder()
                   .eth(kPeerMac, mac("01:00:5e:00:00:01"))
                   .arp(wire::ArpOp::Request, kPeerMac, kPeerIp, wire::MacAddress{}, kOurIp)
                   .bytes();
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
}

TEST_F(EthernetLayer, DeliversTheBytesAfterAVlanTag) {
  auto out = nic_.inject(udp_to_us().vlan(42).bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(received(), "hello");
}

TEST_F(EthernetLayer, DeliversTheBytesAfterStackedTags) {
  auto out = nic_.inject(udp_to_us().vlan(100, 0, wire::ether_type::kQinQ).vlan(42).bytes(), at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(received(), "hello");
}

TEST_F(EthernetLayer, ReportsTheVlanIdOfATaggedFrame) {
  core::RxReport report;
  nic_.inject(udp_to_us().vlan(42, 5).bytes(), at_ms(1), &report);
  EXPECT_TRUE(report.has & core::RxReport::kVlan);
  EXPECT_EQ(report.vlan_id, 42);
  EXPECT_EQ(report.eth_type, wire::ether_type::kVlan);
}

TEST_F(EthernetLayer, DropsTooManyTags) {
  auto b = udp_to_us();
  for (int i = 0; i < 4; ++i) b.vlan(static_cast<std::uint16_t>(10 + i));
  EXPECT_EQ(nic_.inject(b.bytes(), at_ms(1)).verdict, Verdict::Deliver) << "four tags are allowed";
  // A fifth: build four, then splice in one more tag by hand.
  auto five = b.bytes();
  const std::uint8_t tag[] = {0x81, 0x00, 0x00, 0x0e};
  five.insert(five.begin() + 12, reinterpret_cast<const std::byte*>(tag),
              reinterpret_cast<const std::byte*>(tag) + 4);
  auto out = nic_.inject(five, at_ms(2));
  EXPECT_EQ(out.layer, Layer::Link);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::LinkTooManyTags);
}

TEST_F(EthernetLayer, DropsAnUnknownEtherType) {
  auto frame = FrameBuilder().eth(kPeerMac, kOurMac, wire::ether_type::kIpv6).payload(pattern(40)).bytes();
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.layer, Layer::Link);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::LinkUnsupportedType);
  EXPECT_EQ(counter("link.drop.unsupported_type"), 1u);
}

TEST_F(EthernetLayer, DropsAnIeee8023LengthFrame) {
  // An 802.3 frame: the type field is a length (<= 1500) with LLC after it.
  auto frame = FrameBuilder().eth(kPeerMac, kOurMac, 46).payload(pattern(46)).bytes();
  EXPECT_EQ(nic_.inject(frame, at_ms(1)).reason, Reason::LinkUnsupportedType);
}

TEST_F(EthernetLayer, DropsATruncatedFrame) {
  auto frame = udp_to_us().bytes();
  frame.resize(13);
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.layer, Layer::Link);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::LinkTruncated);
  EXPECT_EQ(counter("link.drop.truncated"), 1u);

  EXPECT_EQ(nic_.inject(Frame{}, at_ms(2)).reason, Reason::LinkTruncated);
}

TEST_F(EthernetLayer, DropsAFrameCutInsideItsVlanTag) {
  auto frame = udp_to_us().vlan(42).bytes();
  frame.resize(16);  // the tag but not the inner type
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::LinkTruncated);
}

TEST_F(EthernetLayer, AHeaderWithNothingAfterItReachesTheNetworkLayer) {
  // 14 bytes, type IPv4, no payload: the link is fine, IPv4 finds nothing.
  auto frame = FrameBuilder().eth(kPeerMac, kOurMac, wire::ether_type::kIpv4).bytes();
  ASSERT_EQ(frame.size(), 14u);
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.layer, Layer::Ipv4);
  EXPECT_EQ(out.reason, Reason::Ipv4Truncated);
}

TEST_F(EthernetLayer, IgnoresPaddingAfterTheIpDatagram) {
  auto frame = udp_to_us().pad_to(60).bytes();
  // Padding with non-zero bytes: only IPv4's total length says where the datagram ends.
  for (std::size_t i = 14 + 20 + 8 + 5; i < frame.size(); ++i) frame[i] = std::byte{0xee};
  auto out = nic_.inject(frame, at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(received(), "hello");
}

TEST_F(EthernetLayer, SendsWithOurMacAsSourceAndTheRightType) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(1));
  auto data = to_bytes("out");
  ASSERT_TRUE(host_->sockets().sendto(fd_, view(data), socket::SockAddrIn{kPeerIp, 9}).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 2u);
  auto arp = parse_eth(sent[0]);
  auto ip4 = parse_eth(sent[1]);
  ASSERT_TRUE(arp && ip4);
  EXPECT_EQ(arp->src(), kOurMac);
  EXPECT_EQ(arp->type(), wire::ether_type::kArp);
  EXPECT_EQ(ip4->src(), kOurMac);
  EXPECT_EQ(ip4->dst(), kPeerMac);
  EXPECT_EQ(ip4->type(), wire::ether_type::kIpv4);
  EXPECT_EQ(ip4->tag_count(), 0u);
  EXPECT_EQ(counter("link.tx"), 3u);  // and the announcement at attach
  EXPECT_EQ(counter("nic.tx"), 3u);
}

}  // namespace
