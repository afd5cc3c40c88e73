// SPDX-License-Identifier: MIT
// ArpLayer through a Host on a TestNic: announcements, answering, learning, resolution with retries, and the
// bounded queue of packets waiting for resolution.
#include "stack/link/arp_layer.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "stack/core/rx_report.hpp"
#include "stack/socket/socket_api.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace {

using namespace strata;
using namespace strata::test;
using namespace std::chrono_literals;
using core::Instant;
using core::Layer;
using core::Reason;
using core::Verdict;

const wire::MacAddress kOtherMac = mac("02:00:00:00:00:03");
const wire::Ipv4Address kOtherIp = ip("10.0.0.3");

class ArpLayer : public ::testing::Test {
 protected:
  explicit ArpLayer(HostConfig config = {}) : host_(config), nic_(kOurMac) {}

  void SetUp() override {
    nic_.attach(*host_, iface("10.0.0.1/24"));
    nic_.take_sent();  // the gratuitous ARP
  }

  /// A bound UDP socket that sends.
  int udp_socket() {
    auto fd = host_->sockets().socket(socket::kAfInet, socket::kSockDgram);
    EXPECT_TRUE(fd.ok());
    return *fd;
  }
  socket::SockResult<std::size_t> send_udp(int fd, wire::Ipv4Address to, std::string_view text,
                                           std::uint16_t port = 9) {
    auto data = to_bytes(text);
    return host_->sockets().sendto(fd, view(data), socket::SockAddrIn{to, port});
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }

  TestHost host_;
  TestNic nic_;
};

TEST_F(ArpLayer, AnnouncesItsAddressWithAGratuitousRequest) {
  TestHost host;
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24"));

  auto sent = nic.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  // RFC 5227 §3: a broadcast request with sender and target protocol address both ours, target MAC zero.
  EXPECT_EQ(sent[0], arp_announcement(kOurMac, kOurIp));
  EXPECT_EQ(host->counters().get("arp.gratuitous_tx"), 1u);
  EXPECT_EQ(host->counters().get("arp.request_tx"), 1u);
}

TEST_F(ArpLayer, AnnouncesANewAddressSetLater) {
  host_->set_address(nic_.id(), cidr("10.0.0.9/24"));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], arp_announcement(kOurMac, ip("10.0.0.9")));
}

TEST_F(ArpLayer, DoesNotAnnounceWhenAskedNotTo) {
  TestHost host;
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24", std::nullopt, /*announce=*/false));
  EXPECT_EQ(nic.pending(), 0u);
  host->set_address(nic.id(), cidr("10.0.0.7/24"), /*announce=*/false);
  EXPECT_EQ(nic.pending(), 0u);
}

TEST_F(ArpLayer, DoesNotAnnounceWithoutAnAddress) {
  TestHost host;
  TestNic nic(kOurMac);
  nic.attach(*host, InterfaceConfig{});
  EXPECT_EQ(nic.pending(), 0u);
}

TEST_F(ArpLayer, RepliesToARequestForOurAddress) {
  auto out = nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(5));

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  // RFC 826: the reply goes to the asker, our MAC and address as sender, the asker's as target.
  EXPECT_EQ(sent[0], arp_reply(kOurMac, kOurIp, kPeerMac, kPeerIp));
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(out.reason, Reason::None);
  EXPECT_EQ(counter("arp.request_rx"), 1u);
  EXPECT_EQ(counter("arp.reply_tx"), 1u);
}

TEST_F(ArpLayer, DoesNotReplyToARequestForAnotherAddress) {
  auto out = nic_.inject(arp_request(kPeerMac, kPeerIp, kOtherIp), at_ms(5));

  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::ArpNotForUs);
  EXPECT_EQ(counter("arp.drop.not_for_us"), 1u);
}

TEST_F(ArpLayer, DoesNotReplyWhenAnsweringIsOff) {
  HostConfig config;
  config.arp.answer = false;
  TestHost host(config);
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24"));
  nic.take_sent();
  nic.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(5));
  EXPECT_EQ(nic.pending(), 0u);
}

TEST_F(ArpLayer, DoesNotAnswerAReply) {
  nic_.inject(arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp), at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(counter("arp.reply_rx"), 1u);
}

TEST_F(ArpLayer, LearnsTheSenderOfARequestTargetingUs) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(5));
  nic_.take_sent();

  auto learned = host_->arp().cache().lookup(nic_.id(), kPeerIp, at_ms(6));
  ASSERT_NE(learned, nullptr);
  EXPECT_EQ(*learned, kPeerMac);

  // And a datagram to the peer leaves at once, without a request of its own.
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "hi").ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(parse_udp(sent[0]).has_value());
  EXPECT_EQ(parse_eth(sent[0])->dst(), kPeerMac);
  EXPECT_EQ(counter("arp.queued"), 0u);
}

TEST_F(ArpLayer, DoesNotLearnFromARequestForAnotherAddress) {
  // RFC 826: a sender we do not know is added only when we are the target.
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOtherIp), at_ms(5));
  EXPECT_TRUE(host_->arp().cache().entries().empty());
}

TEST_F(ArpLayer, RefreshesAKnownSenderFromAnyRequest) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(5));
  nic_.take_sent();
  // The peer moved to a new MAC and asks for someone else: the entry we hold is merged (RFC 826).
  nic_.inject(arp_request(kOtherMac, kPeerIp, kOtherIp), at_ms(10));
  auto learned = host_->arp().cache().lookup(nic_.id(), kPeerIp, at_ms(11));
  ASSERT_NE(learned, nullptr);
  EXPECT_EQ(*learned, kOtherMac);
}

TEST_F(ArpLayer, DoesNotLearnFromAProbeWithNoSenderAddress) {
  // RFC 5227 §2.1.1: an ARP probe has sender IP 0.0.0.0; it must not poison the cache with 0.0.0.0.
  nic_.inject(arp_request(kPeerMac, wire::Ipv4Address::any(), kOurIp), at_ms(5));
  EXPECT_TRUE(host_->arp().cache().entries().empty());
}

TEST_F(ArpLayer, QueuesADatagramToAnUnknownNeighbourAndSendsOneRequest) {
  host_->advance(at_ms(100));
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "first").ok());
  ASSERT_TRUE(send_udp(fd, kPeerIp, "second").ok());

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u) << "one request for both datagrams, no IPv4 yet";
  EXPECT_EQ(sent[0], FrameBuilder()
                         .eth(kOurMac, wire::MacAddress::broadcast())
                         .arp(wire::ArpOp::Request, kOurMac, kOurIp, wire::MacAddress{}, kPeerIp)
                         .bytes());
  EXPECT_EQ(counter("arp.queued"), 2u);
  EXPECT_EQ(host_->arp().pending(), 2u);
}

TEST_F(ArpLayer, TheReplyFlushesQueuedDatagramsInOrderToTheResolvedMac) {
  host_->advance(at_ms(100));
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "first").ok());
  ASSERT_TRUE(send_udp(fd, kPeerIp, "second").ok());
  nic_.take_sent();

  auto out = nic_.inject(arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp), at_ms(150));
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 2u);
  const char* expected[] = {"first", "second"};
  for (std::size_t i = 0; i < 2; ++i) {
    auto eth = parse_eth(sent[i]);
    ASSERT_TRUE(eth.has_value());
    EXPECT_EQ(eth->dst(), kPeerMac);
    EXPECT_EQ(eth->src(), kOurMac);
    auto udp = parse_udp(sent[i]);
    ASSERT_TRUE(udp.has_value());
    EXPECT_EQ(udp->payload().size(), std::string_view(expected[i]).size());
    EXPECT_EQ(std::memcmp(udp->payload().data(), expected[i], udp->payload().size()), 0);
    EXPECT_EQ(parse_ipv4(sent[i])->dst(), kPeerIp);
  }
  EXPECT_EQ(host_->arp().pending(), 0u);
  // No retry is left behind.
  host_->advance(at_s(5));
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(ArpLayer, AGratuitousArpFromTheAwaitedNeighbourCompletesTheResolution) {
  host_->advance(at_ms(100));
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "waiting").ok());
  nic_.take_sent();
  nic_.inject(arp_announcement(kPeerMac, kPeerIp), at_ms(150));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kPeerMac);
  EXPECT_EQ(host_->arp().pending(), 0u);
  host_->advance(at_s(5));
  EXPECT_EQ(nic_.pending(), 0u);  // no retry left behind
}

TEST_F(ArpLayer, RetriesThreeTimesThenDropsQueued) {
  const Instant t0 = at_ms(1000);
  host_->advance(t0);
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "a").ok());
  ASSERT_TRUE(send_udp(fd, kPeerIp, "b").ok());
  ASSERT_EQ(nic_.take_sent().size(), 1u);
  EXPECT_EQ(host_->next_deadline(), t0 + 1s);

  host_->advance(t0 + 999ms);
  EXPECT_EQ(nic_.pending(), 0u);

  host_->advance(t0 + 1s);
  auto second = nic_.take_sent();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(is_arp_request(second[0]));
  EXPECT_EQ(parse_arp(second[0])->target_ip(), kPeerIp);

  host_->advance(t0 + 2s);
  auto third = nic_.take_sent();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_TRUE(is_arp_request(third[0]));
  EXPECT_EQ(counter("arp.drop.unresolved"), 0u);

  host_->advance(t0 + 3s - 1ns);
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(counter("arp.drop.unresolved"), 0u);

  host_->advance(t0 + 3s);
  EXPECT_EQ(nic_.pending(), 0u) << "no fourth request";
  EXPECT_EQ(counter("arp.drop.unresolved"), 2u);
  EXPECT_EQ(counter("arp.request_tx"), 1u + 3u);  // the announcement and three requests
  EXPECT_EQ(counter("arp.retry"), 2u);
  EXPECT_EQ(host_->arp().pending(), 0u);
  EXPECT_FALSE(host_->next_deadline().has_value());

  // A reply that comes too late sends nothing: the datagrams are gone.
  nic_.inject(arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp), t0 + 4s);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(ArpLayer, AReplyToARetriedRequestStillFlushes) {
  host_->advance(at_ms(0));
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "late").ok());
  host_->advance(at_ms(1000));
  host_->advance(at_ms(2000));
  ASSERT_EQ(nic_.take_sent().size(), 3u);
  nic_.inject(arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp), at_ms(2500));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(parse_udp(sent[0]).has_value());
  host_->advance(at_ms(3000));
  EXPECT_EQ(counter("arp.drop.unresolved"), 0u);
}

TEST_F(ArpLayer, ResolvesEachNeighbourSeparately) {
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kPeerIp, "p").ok());
  ASSERT_TRUE(send_udp(fd, kOtherIp, "o").ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(parse_arp(sent[0])->target_ip(), kPeerIp);
  EXPECT_EQ(parse_arp(sent[1])->target_ip(), kOtherIp);

  // Only the datagram for the neighbour that answered leaves.
  nic_.inject(arp_reply(kOtherMac, kOtherIp, kOurMac, kOurIp), at_ms(10));
  sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), kOtherIp);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kOtherMac);
  EXPECT_EQ(host_->arp().pending(), 1u);
}

class ArpLayerSmallQueue : public ArpLayer {
 protected:
  static HostConfig small_queue() {
    HostConfig c;
    c.arp.max_pending = 3;
    return c;
  }
  ArpLayerSmallQueue() : ArpLayer(small_queue()) {}
};

TEST_F(ArpLayerSmallQueue, DropsDatagramsBeyondThePendingQueueCap) {
  const int fd = udp_socket();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(send_udp(fd, kPeerIp, "x").ok());
  auto r = send_udp(fd, kPeerIp, "overflow");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::Errno::ENOBUFS_);
  EXPECT_EQ(counter("arp.drop.queue_full"), 1u);
  EXPECT_EQ(counter("arp.queued"), 3u);
  EXPECT_EQ(host_->arp().pending(), 3u);

  // The cap is over all destinations.
  EXPECT_FALSE(send_udp(fd, kOtherIp, "x").ok());
  EXPECT_EQ(counter("arp.drop.queue_full"), 2u);

  // The three queued leave when the reply comes.
  nic_.take_sent();
  nic_.inject(arp_reply(kPeerMac, kPeerIp, kOurMac, kOurIp), at_ms(10));
  EXPECT_EQ(nic_.take_sent().size(), 3u);
}

TEST_F(ArpLayer, AskingAgainAfterTheEntryExpires) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_s(0));
  nic_.take_sent();
  const int fd = udp_socket();

  host_->advance(at_s(59));
  ASSERT_TRUE(send_udp(fd, kPeerIp, "fresh").ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(parse_udp(sent[0]).has_value());

  // The default lifetime is 60 s from learning (a lookup does not extend it).
  host_->advance(at_s(60));
  EXPECT_EQ(counter("arp.expired"), 1u);
  ASSERT_TRUE(send_udp(fd, kPeerIp, "stale").ok());
  sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(is_arp_request(sent[0]));
  EXPECT_EQ(parse_arp(sent[0])->target_ip(), kPeerIp);
}

TEST_F(ArpLayer, AnExpiredEntryIsNotUsedEvenBeforeAdvanceRemovesIt) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_s(0));
  nic_.take_sent();
  const int fd = udp_socket();
  // A frame moves the clock to 61 s; advance() never ran, the entry is still in the table but has expired.
  nic_.inject(arp_request(kOtherMac, kOtherIp, ip("10.0.0.99")), at_s(61));
  ASSERT_TRUE(send_udp(fd, kPeerIp, "stale").ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(is_arp_request(sent[0]));
}

TEST_F(ArpLayer, NextDeadlineIsTheEarliestOfRetryAndExpiry) {
  nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_s(10));
  nic_.take_sent();
  EXPECT_EQ(host_->next_deadline(), at_s(70));
  host_->advance(at_s(20));
  const int fd = udp_socket();
  ASSERT_TRUE(send_udp(fd, kOtherIp, "x").ok());
  EXPECT_EQ(host_->next_deadline(), at_s(21));
}

TEST_F(ArpLayer, DropsMalformedPackets) {
  // 8-byte fixed part only: truncated.
  auto truncated = FrameBuilder()
                       .eth(kPeerMac, wire::MacAddress::broadcast(), wire::ether_type::kArp)
                       .payload({0, 1, 8, 0, 6, 4, 0, 1})
                       .bytes();
  auto out = nic_.inject(truncated, at_ms(1));
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::ArpTruncated);
  EXPECT_EQ(counter("arp.drop.truncated"), 1u);

  auto bad_op = arp_request(kPeerMac, kPeerIp, kOurIp);
  core::store_be16(bad_op.data() + wire::kEthernetHeaderLen + 6, 3);
  out = nic_.inject(bad_op, at_ms(2));
  EXPECT_EQ(out.reason, Reason::ArpBadOpcode);

  auto bad_hw = arp_request(kPeerMac, kPeerIp, kOurIp);
  core::store_be16(bad_hw.data() + wire::kEthernetHeaderLen, 6);  // IEEE 802 instead of Ethernet
  out = nic_.inject(bad_hw, at_ms(3));
  EXPECT_EQ(out.reason, Reason::ArpUnsupportedHardware);

  auto bad_proto = arp_request(kPeerMac, kPeerIp, kOurIp);
  core::store_be16(bad_proto.data() + wire::kEthernetHeaderLen + 2, 0x86dd);
  out = nic_.inject(bad_proto, at_ms(4));
  EXPECT_EQ(out.reason, Reason::ArpUnsupportedProtocol);

  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_TRUE(host_->arp().cache().entries().empty());
}

TEST_F(ArpLayer, ReportsReverseArpAsArpAndDropsIt) {
  // RFC 903 (EtherType 0x8035): ARP's format with opcodes 3 and 4. Wireshark shows it with ARP's fields; a
  // host that is no RARP server learns nothing from it and answers nothing.
  auto reply = FrameBuilder()
                   .eth(kPeerMac, kOurMac, wire::ether_type::kRarp)
                   .arp(static_cast<wire::ArpOp>(4), kPeerMac, kPeerIp, kOurMac, kOurIp)
                   .bytes();
  core::RxReport report;
  auto out = nic_.inject(reply, at_ms(1), &report);
  EXPECT_EQ(out.layer, Layer::Arp);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::ArpRarp);
  EXPECT_EQ(counter("arp.drop.rarp"), 1u);
  using R = core::RxReport;
  ASSERT_TRUE(report.has_any(R::kArp));
  EXPECT_EQ(report.arp_opcode, 4);
  ASSERT_TRUE(report.has_any(R::kArpIpv4));
  EXPECT_EQ(report.arp_spa, kPeerIp.value);
  EXPECT_EQ(report.arp_tpa, kOurIp.value);

  // Unknown hardware and protocol types (corpus: getname_2_read4_asan.pcap): the opcode alone.
  auto odd = FrameBuilder()
                 .eth(kPeerMac, kOurMac, wire::ether_type::kRarp)
                 .payload({0xff, 0x00, 0x8b, 0x01, 0, 0, 0, 4})
                 .bytes();
  core::RxReport odd_report;
  EXPECT_EQ(nic_.inject(odd, at_ms(2), &odd_report).reason, Reason::ArpRarp);
  EXPECT_EQ(odd_report.arp_opcode, 4);
  EXPECT_FALSE(odd_report.has_any(R::kArpIpv4));

  // Not even an ARP request for our address, when it comes as RARP.
  auto request = FrameBuilder()
                     .eth(kPeerMac, wire::MacAddress::broadcast(), wire::ether_type::kRarp)
                     .arp(wire::ArpOp::Request, kPeerMac, kPeerIp, wire::MacAddress{}, kOurIp)
                     .bytes();
  EXPECT_EQ(nic_.inject(request, at_ms(3)).reason, Reason::ArpRarp);
  EXPECT_EQ(counter("arp.drop.rarp"), 3u);
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_TRUE(host_->arp().cache().entries().empty());
}

TEST_F(ArpLayer, AcceptsAPaddedMinimumSizeFrame) {
  auto padded = FrameBuilder()
                    .eth(kPeerMac, wire::MacAddress::broadcast())
                    .arp(wire::ArpOp::Request, kPeerMac, kPeerIp, wire::MacAddress{}, kOurIp)
                    .pad_to(60)
                    .bytes();
  ASSERT_EQ(padded.size(), 60u);
  nic_.inject(padded, at_ms(1));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], arp_reply(kOurMac, kOurIp, kPeerMac, kPeerIp));
}

}  // namespace
