// SPDX-License-Identifier: MIT
// UdpLayer through a whole Host: frames injected on a TestNic, what the host sends read back from it.
#include "stack/transport/udp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "stack/host.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace strata::transport {
namespace {

using core::Errno;
using core::Reason;
using test::Frame;
using test::FrameBuilder;
using test::kOurIp;
using test::kOurMac;
using test::kPeerIp;
using test::kPeerMac;

const wire::Ipv4Address kOther = test::ip("10.0.0.3");
constexpr std::uint16_t kPort = 7;
constexpr std::uint16_t kPeerPort = 40000;

/// One host on one TestNic at 10.0.0.1/24, no gratuitous ARP.
struct Rig {
  explicit Rig(HostConfig config = {}) : host(core::HostId{1}, config, pool) {
    nic.attach(host, InterfaceConfig{test::cidr("10.0.0.1/24"), std::nullopt, false});
  }
  /// The peer asks for our MAC: we learn its own, so what we send it goes out at once instead of waiting on
  /// ARP.
  void learn_peer(wire::MacAddress m = kPeerMac, wire::Ipv4Address a = kPeerIp) {
    nic.inject(test::arp_request(m, a, kOurIp), now);
    nic.take_sent();
  }
  UdpId bound(std::uint16_t port) {
    auto id = host.udp().open();
    EXPECT_TRUE(id);
    EXPECT_TRUE(host.udp().bind(*id, Endpoint{wire::Ipv4Address::any(), port}));
    return *id;
  }
  RxOutcome inject(const Frame& f) { return nic.inject(f, now); }
  std::uint64_t counter(std::string_view name) const { return host.counters().get(name); }

  core::BufferPool pool{256, 8};
  Host host;
  test::TestNic nic{kOurMac};
  core::Instant now = test::at_ms(1000);
};

Frame datagram(std::string_view text, std::uint16_t sport = kPeerPort, std::uint16_t dport = kPort,
               wire::Ipv4Address src = kPeerIp) {
  return FrameBuilder().eth(kPeerMac, kOurMac).ipv4(src, kOurIp).udp(sport, dport).payload(text).bytes();
}

std::string received(Rig& r, UdpId id, Endpoint* from = nullptr) {
  std::array<std::byte, 2048> buf{};
  auto d = r.host.udp().recv_from(id, buf);
  if (!d) {
    std::string e = "<";  // built by appending: GCC 12 -O3 warns (-Wrestrict) on "<" + std::string(...)
    e += core::name(d.error());
    e += '>';
    return e;
  }
  if (from) *from = d->from;
  return std::string(reinterpret_cast<const char*>(buf.data()), d->copied);
}

TEST(Udp, DeliversADatagramToTheBoundEndpoint) {
  Rig r;
  const auto id = r.bound(kPort);
  const auto out = r.inject(datagram("hello"));
  EXPECT_EQ(out.verdict, core::Verdict::Deliver);
  EXPECT_EQ(out.layer, core::Layer::Udp);
  EXPECT_EQ(r.counter("udp.rx"), 1u);
  EXPECT_EQ(r.counter("udp.delivered"), 1u);
  EXPECT_TRUE(r.host.udp().readable(id));
  Endpoint from;
  EXPECT_EQ(received(r, id, &from), "hello");
  EXPECT_EQ(from, (Endpoint{kPeerIp, kPeerPort}));
  EXPECT_EQ(received(r, id), "<EAGAIN>");
  EXPECT_EQ(r.nic.pending(), 0u);
}

TEST(Udp, DropsADatagramWithABadChecksum) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  const auto out = r.inject(FrameBuilder()
                                .eth(kPeerMac, kOurMac)
                                .ipv4(kPeerIp, kOurIp)
                                .udp(kPeerPort, kPort)
                                .udp_bad_checksum()
                                .payload("x")
                                .bytes());
  EXPECT_EQ(out.verdict, core::Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::UdpBadChecksum);
  EXPECT_EQ(r.counter("udp.drop.bad_checksum"), 1u);
  EXPECT_EQ(r.counter("udp.delivered"), 0u);
  EXPECT_FALSE(r.host.udp().readable(id));
  EXPECT_EQ(r.nic.pending(), 0u) << "a corrupt datagram is never answered";
}

TEST(Udp, DropsADatagramWhosePayloadWasCorrupted) {
  Rig r;
  const auto id = r.bound(kPort);
  Frame f = datagram("payload");
  f.back() ^= std::byte{0x01};  // last payload byte; the UDP checksum no longer matches
  r.inject(f);
  EXPECT_EQ(r.counter("udp.drop.bad_checksum"), 1u);
  EXPECT_FALSE(r.host.udp().readable(id));
}

TEST(Udp, AcceptsAZeroChecksum) {  // RFC 768: zero means the sender computed none
  Rig r;
  const auto id = r.bound(kPort);
  const auto out = r.inject(FrameBuilder()
                                .eth(kPeerMac, kOurMac)
                                .ipv4(kPeerIp, kOurIp)
                                .udp(kPeerPort, kPort)
                                .udp_no_checksum()
                                .payload("nock")
                                .bytes());
  EXPECT_EQ(out.verdict, core::Verdict::Deliver);
  EXPECT_EQ(r.counter("udp.drop.bad_checksum"), 0u);
  EXPECT_EQ(received(r, id), "nock");
}

TEST(Udp, DropsALengthBeyondTheIpPayload) {
  Rig r;
  const auto id = r.bound(kPort);
  const auto out = r.inject(FrameBuilder()
                                .eth(kPeerMac, kOurMac)
                                .ipv4(kPeerIp, kOurIp)
                                .udp(kPeerPort, kPort)
                                .udp_length(8 + 6)
                                .payload("abcde")
                                .bytes());
  EXPECT_EQ(out.reason, Reason::UdpBadLength);
  EXPECT_EQ(r.counter("udp.drop.bad_length"), 1u);
  EXPECT_FALSE(r.host.udp().readable(id));
}

TEST(Udp, DropsALengthShorterThanTheHeader) {
  Rig r;
  r.bound(kPort);
  r.inject(FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, kOurIp)
               .udp(kPeerPort, kPort)
               .udp_length(7)
               .payload("ab")
               .bytes());
  EXPECT_EQ(r.counter("udp.drop.bad_length"), 1u);
}

TEST(Udp, DropsASegmentShorterThanTheHeader) {
  Rig r;
  // Protocol 17 with 4 bytes of payload: not even a UDP header.
  const auto out = r.inject(FrameBuilder()
                                .eth(kPeerMac, kOurMac)
                                .ipv4(kPeerIp, kOurIp, wire::ip_proto::kUdp)
                                .payload({1, 2, 3, 4})
                                .bytes());
  EXPECT_EQ(out.reason, Reason::UdpTruncated);
  EXPECT_EQ(r.counter("udp.drop.truncated"), 1u);
}

TEST(Udp, UsesTheUdpLengthWhenShorterThanTheIpPayload) {
  Rig r;
  const auto id = r.bound(kPort);
  // 5 payload bytes carried, but the UDP length says 3: the datagram is the first 3 (no checksum to
  // disagree).
  r.inject(FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, kOurIp)
               .udp(kPeerPort, kPort)
               .udp_length(8 + 3)
               .udp_no_checksum()
               .payload("abcde")
               .bytes());
  EXPECT_EQ(received(r, id), "abc");
}

TEST(Udp, IgnoresEthernetPadding) {
  Rig r;
  const auto id = r.bound(kPort);
  r.inject(FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, kOurIp)
               .udp(kPeerPort, kPort)
               .payload("hi")
               .pad_to(60)
               .bytes());
  EXPECT_EQ(received(r, id), "hi");
}

TEST(Udp, ClosedPortAnswersIcmpPortUnreachable) {
  Rig r;
  r.learn_peer();
  const Frame sent = datagram("knock", kPeerPort, 9999);
  const auto out = r.inject(sent);
  EXPECT_EQ(out.reason, Reason::UdpPortUnreachable);
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(r.counter("icmp.unreachable_tx"), 1u);

  const auto frames = r.nic.take_sent();
  ASSERT_EQ(frames.size(), 1u);
  auto eth = test::parse_eth(frames[0]);
  ASSERT_TRUE(eth);
  EXPECT_EQ(eth->dst(), kPeerMac);
  auto ip = test::parse_ipv4(frames[0]);
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->checksum_ok());
  EXPECT_EQ(ip->src(), kOurIp);
  EXPECT_EQ(ip->dst(), kPeerIp);
  auto icmp = test::parse_icmp(frames[0]);
  ASSERT_TRUE(icmp);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kPortUnreachable);
  // RFC 792: the offending IPv4 header and the first 8 bytes of its payload (the UDP header).
  const auto offending = test::l3_of(sent);
  const auto quote = icmp->body();
  ASSERT_EQ(quote.size(), 20u + 8u);
  EXPECT_TRUE(std::equal(quote.begin(), quote.end(), offending.begin()));
}

TEST(Udp, ClosedPortAnswersOnlyAfterArpResolvesThePeer) {
  Rig r;  // the peer's MAC is unknown
  r.inject(datagram("knock", kPeerPort, 9999));
  auto frames = r.nic.take_sent();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_TRUE(test::is_arp_request(frames[0]));
  EXPECT_EQ(test::parse_arp(frames[0])->target_ip(), kPeerIp);
  r.inject(test::arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp));
  frames = r.nic.take_sent();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(test::is_icmp(frames[0], wire::icmp_type::kDestUnreachable, wire::icmp_code::kPortUnreachable));
}

TEST(Udp, LimitedBroadcastToAClosedPortIsNotAnswered) {
  Rig r;
  r.learn_peer();
  const auto out = r.inject(FrameBuilder()
                                .eth(kPeerMac, wire::MacAddress::broadcast())
                                .ipv4(kPeerIp, wire::Ipv4Address::broadcast())
                                .udp(kPeerPort, 9999)
                                .payload("anyone?")
                                .bytes());
  EXPECT_EQ(out.reason, Reason::UdpPortUnreachable);
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(r.counter("icmp.unreachable_tx"), 0u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

// RFC 1122 §3.2.2: no ICMP error about a datagram sent to an IP broadcast address — the subnet-directed
// broadcast (10.0.0.255 on 10.0.0.0/24) is one as much as 255.255.255.255.
TEST(Udp, SubnetBroadcastToAClosedPortIsNotAnswered) {
  Rig r;
  r.learn_peer();
  r.inject(FrameBuilder()
               .eth(kPeerMac, wire::MacAddress::broadcast())
               .ipv4(kPeerIp, test::ip("10.0.0.255"))
               .udp(kPeerPort, 9999)
               .payload("anyone?")
               .bytes());
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(r.counter("icmp.unreachable_tx"), 0u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

// RFC 1122 §3.2.2: nor about one that came as a link-layer broadcast, whatever its IP destination.
TEST(Udp, LinkBroadcastToAClosedPortIsNotAnswered) {
  Rig r;
  r.learn_peer();
  r.inject(FrameBuilder()
               .eth(kPeerMac, wire::MacAddress::broadcast())
               .ipv4(kPeerIp, kOurIp)
               .udp(kPeerPort, 9999)
               .payload("anyone?")
               .bytes());
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(r.counter("icmp.unreachable_tx"), 0u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

TEST(Udp, MulticastToAClosedPortIsNotAnswered) {
  Rig r;
  r.learn_peer();
  r.inject(FrameBuilder()
               .eth(kPeerMac, test::mac("01:00:5e:00:00:fb"))
               .ipv4(kPeerIp, test::ip("224.0.0.251"))
               .udp(5353, 5353)
               .payload("mdns")
               .bytes());
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

TEST(Udp, BroadcastReachesAnEndpointBoundToTheWildcardAddress) {
  Rig r;
  const auto id = r.bound(kPort);
  r.inject(FrameBuilder()
               .eth(kPeerMac, wire::MacAddress::broadcast())
               .ipv4(kPeerIp, wire::Ipv4Address::broadcast())
               .udp(kPeerPort, kPort)
               .payload("all")
               .bytes());
  EXPECT_EQ(received(r, id), "all");
}

TEST(Udp, FullQueueDropsAndCountsPerEndpoint) {
  HostConfig c;
  c.udp.queue_datagrams = 2;
  Rig r(c);
  const auto id = r.bound(kPort);
  const auto other = r.bound(kPort + 1);
  r.inject(datagram("one"));
  r.inject(datagram("two"));
  const auto out = r.inject(datagram("three"));
  EXPECT_EQ(out.reason, Reason::UdpQueueFull);
  EXPECT_EQ(r.counter("udp.drop.queue_full"), 1u);
  EXPECT_EQ(r.counter("udp.delivered"), 2u);
  EXPECT_EQ(r.host.udp().queue_drops(id), 1u);
  EXPECT_EQ(r.host.udp().queue_drops(other), 0u);
  EXPECT_EQ(r.host.udp().queued(id), 2u);
  EXPECT_EQ(r.nic.pending(), 0u) << "a full queue is not a closed port";
  EXPECT_EQ(received(r, id), "one");
  EXPECT_EQ(received(r, id), "two");
  r.inject(datagram("four"));
  EXPECT_EQ(received(r, id), "four");
  EXPECT_EQ(r.host.udp().queue_drops(id), 1u);
}

TEST(Udp, FullQueueByBytesDrops) {
  HostConfig c;
  c.udp.queue_bytes = 10;
  Rig r(c);
  const auto id = r.bound(kPort);
  r.inject(datagram("123456"));
  r.inject(datagram("12345"));
  EXPECT_EQ(r.host.udp().queue_drops(id), 1u);
  r.inject(datagram("1234"));
  EXPECT_EQ(r.host.udp().queued(id), 2u);
}

TEST(Udp, ConnectedEndpointReceivesOnlyFromItsPeer) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  ASSERT_TRUE(r.host.udp().connect(id, Endpoint{kPeerIp, kPeerPort}));
  r.inject(datagram("wrong port", kPeerPort + 1));
  r.inject(datagram("wrong host", kPeerPort, kPort, kOther));
  r.inject(datagram("right"));
  EXPECT_EQ(r.host.udp().queued(id), 1u);
  Endpoint from;
  EXPECT_EQ(received(r, id, &from), "right");
  EXPECT_EQ(from, (Endpoint{kPeerIp, kPeerPort}));
  // As on Linux, a datagram no socket matches is a closed port.
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 2u);
}

TEST(Udp, EndpointBoundToAnotherAddressDoesNotReceive) {
  // Two addresses on two NICs; the endpoint is bound to the second.
  core::BufferPool pool{64, 4};
  Host host(core::HostId{1}, HostConfig{}, pool);
  test::TestNic nic0(kOurMac), nic1(test::mac("02:00:00:00:01:01"));
  nic0.attach(host, InterfaceConfig{test::cidr("10.0.0.1/24"), std::nullopt, false});
  nic1.attach(host, InterfaceConfig{test::cidr("10.1.0.1/24"), std::nullopt, false});
  auto id = host.udp().open();
  ASSERT_TRUE(id);
  ASSERT_TRUE(host.udp().bind(*id, Endpoint{test::ip("10.1.0.1"), kPort}));
  nic0.inject(datagram("to .0.1"), test::at_ms(1));
  EXPECT_FALSE(host.udp().readable(*id));
  nic0.inject(FrameBuilder()
                  .eth(kPeerMac, kOurMac)
                  .ipv4(kPeerIp, test::ip("10.1.0.1"))
                  .udp(kPeerPort, kPort)
                  .payload("x")
                  .bytes(),
              test::at_ms(2));
  EXPECT_TRUE(host.udp().readable(*id));
}

TEST(Udp, SendsAValidDatagram) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  auto n = r.host.udp().send_to(id, test::view(test::to_bytes("ping")), Endpoint{kPeerIp, kPeerPort}, r.now);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4u);
  const auto frames = r.nic.take_sent();
  ASSERT_EQ(frames.size(), 1u);
  auto ip = test::parse_ipv4(frames[0]);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->src(), kOurIp);
  EXPECT_EQ(ip->dst(), kPeerIp);
  EXPECT_EQ(ip->ttl(), UdpConfig{}.ttl);
  auto udp = test::parse_udp(frames[0]);
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->src_port(), kPort);
  EXPECT_EQ(udp->dst_port(), kPeerPort);
  EXPECT_EQ(udp->length(), 8u + 4u);
  ASSERT_TRUE(udp->check_length(ip->payload().size()));
  EXPECT_NE(udp->checksum(), 0u);
  EXPECT_TRUE(udp->checksum_ok(kOurIp, kPeerIp));
  EXPECT_EQ(r.counter("udp.tx"), 1u);
}

TEST(Udp, SendFromAnUnboundEndpointBindsAnEphemeralPort) {
  Rig r;
  r.learn_peer();
  auto id = r.host.udp().open();
  ASSERT_TRUE(id);
  EXPECT_FALSE(r.host.udp().local(*id));
  ASSERT_TRUE(r.host.udp().send_to(*id, {}, Endpoint{kPeerIp, kPeerPort}, r.now));
  auto local = r.host.udp().local(*id);
  ASSERT_TRUE(local);
  EXPECT_GE(local->port, 49152);
  const auto frames = r.nic.take_sent();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(test::parse_udp(frames[0])->src_port(), local->port);
}

/// An ICMP destination unreachable from the peer quoting `ours` (a frame we sent).
Frame unreachable_about(const Frame& ours, std::uint8_t code, wire::Ipv4Address from = kPeerIp) {
  const auto l3 = test::l3_of(ours);
  return FrameBuilder()
      .eth(kPeerMac, kOurMac)
      .ipv4(from, kOurIp)
      .icmp(wire::icmp_type::kDestUnreachable, code)
      .payload(l3.first(28))
      .bytes();
}

TEST(Udp, PortUnreachableRefusesTheConnectedEndpointOnce) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  ASSERT_TRUE(r.host.udp().connect(id, Endpoint{kPeerIp, kPeerPort}));
  ASSERT_TRUE(r.host.udp().send_to(id, test::view(test::to_bytes("?")), std::nullopt, r.now));
  const auto sent = r.nic.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  r.inject(unreachable_about(sent[0], wire::icmp_code::kPortUnreachable));
  EXPECT_EQ(r.counter("icmp.unreachable_rx"), 1u);
  EXPECT_TRUE(r.host.udp().has_error(id));
  EXPECT_EQ(received(r, id), "<ECONNREFUSED>");
  EXPECT_FALSE(r.host.udp().has_error(id));
  EXPECT_EQ(received(r, id), "<EAGAIN>");
}

TEST(Udp, HostUnreachableGivesEhostunreach) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  ASSERT_TRUE(r.host.udp().connect(id, Endpoint{kPeerIp, kPeerPort}));
  ASSERT_TRUE(r.host.udp().send_to(id, test::view(test::to_bytes("?")), std::nullopt, r.now));
  const auto sent = r.nic.take_sent();
  r.inject(unreachable_about(sent.at(0), wire::icmp_code::kHostUnreachable));
  auto s = r.host.udp().send_to(id, {}, std::nullopt, r.now);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), Errno::EHOSTUNREACH_);
  EXPECT_TRUE(r.host.udp().send_to(id, {}, std::nullopt, r.now));
}

TEST(Udp, PortUnreachableIsIgnoredByAnUnconnectedEndpoint) {  // Linux reports it on connected sockets only
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  ASSERT_TRUE(r.host.udp().send_to(id, test::view(test::to_bytes("?")), Endpoint{kPeerIp, kPeerPort}, r.now));
  const auto sent = r.nic.take_sent();
  r.inject(unreachable_about(sent.at(0), wire::icmp_code::kPortUnreachable));
  EXPECT_FALSE(r.host.udp().has_error(id));
  EXPECT_EQ(received(r, id), "<EAGAIN>");
}

TEST(Udp, PortUnreachableAboutAnotherPeerIsIgnored) {
  Rig r;
  r.learn_peer();
  const auto id = r.bound(kPort);
  ASSERT_TRUE(r.host.udp().connect(id, Endpoint{kPeerIp, kPeerPort}));
  // A datagram to some other destination from the same port (sendto on a connected socket).
  r.learn_peer(test::mac("02:00:00:00:00:03"), kOther);
  ASSERT_TRUE(r.host.udp().send_to(id, test::view(test::to_bytes("?")), Endpoint{kOther, 53}, r.now));
  const auto sent = r.nic.take_sent();
  r.inject(unreachable_about(sent.at(0), wire::icmp_code::kPortUnreachable, kOther));
  EXPECT_FALSE(r.host.udp().has_error(id));
}

TEST(Udp, ReopenedPortDoesNotInheritTheOldQueue) {
  Rig r;
  auto id = r.bound(kPort);
  r.inject(datagram("old"));
  r.host.udp().close(id);
  EXPECT_FALSE(r.host.udp().valid(id));
  id = r.bound(kPort);
  EXPECT_FALSE(r.host.udp().readable(id));
  r.inject(datagram("new"));
  EXPECT_EQ(received(r, id), "new");
}

TEST(Udp, ObserverHostCountsAnUnboundDatagramAsDelivered) {
  Rig r(HostConfig::observer());
  const auto out = r.inject(datagram("to nobody", kPeerPort, 9999));
  EXPECT_EQ(out.verdict, core::Verdict::Deliver);
  EXPECT_EQ(r.counter("udp.drop.port_unreachable"), 0u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

}  // namespace
}  // namespace strata::transport
