// SPDX-License-Identifier: MIT
// Icmp through a Host on TestNics: echo, checksums, errors handed to transports, and the rules for generating
// errors (RFC 1122 §3.2.2): rate limited, never about an ICMP error, a non-first fragment, or a datagram to a
// broadcast or multicast address; the quote is the offending header and 8 bytes of its data (RFC 792).
#include "stack/net/icmp.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

constexpr std::uint16_t kClosedPort = 9999;

class Icmp : public ::testing::Test {
 protected:
  explicit Icmp(HostConfig config = {}) : host_(config), nic_(kOurMac) {}
  void SetUp() override {
    nic_.attach(*host_, iface("10.0.0.1/24"));
    nic_.take_sent();
    nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
    nic_.take_sent();
  }
  Frame echo(std::uint16_t id, std::uint16_t seq, const Frame& data, wire::Ipv4Address dst = kOurIp,
             wire::MacAddress dst_mac = kOurMac) {
    return icmp_echo_request(kPeerMac, dst_mac, kPeerIp, dst, id, seq, view(data));
  }
  FrameBuilder udp_to_closed_port(std::size_t n = 100, wire::Ipv4Address dst = kOurIp,
                                  wire::MacAddress dst_mac = kOurMac) {
    FrameBuilder b;
    b.eth(kPeerMac, dst_mac).ipv4(kPeerIp, dst).udp(5555, kClosedPort).payload(pattern(n));
    return b;
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }

  TestHost host_;
  TestNic nic_;
};

// -- echo --

TEST_F(Icmp, AnswersAnEchoRequestWithTheSameIdSequenceAndData) {
  const Frame data = pattern(56, 0x40);
  auto out = nic_.inject(echo(0x1234, 7, data), at_ms(5));
  EXPECT_EQ(out.layer, Layer::Icmp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kPeerMac);
  EXPECT_EQ(parse_eth(sent[0])->src(), kOurMac);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->src(), kOurIp);
  EXPECT_EQ(v->dst(), kPeerIp);
  EXPECT_EQ(v->protocol(), wire::ip_proto::kIcmp);
  EXPECT_TRUE(v->checksum_ok());
  EXPECT_EQ(v->ttl(), 64);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kEchoReply);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_EQ(icmp->echo_id(), 0x1234);
  EXPECT_EQ(icmp->echo_seq(), 7);
  // Byte for byte the reply a builder makes of the same id, sequence and data.
  const Frame expected = FrameBuilder().icmp_echo_reply(0x1234, 7).payload(data).l4_bytes();
  EXPECT_TRUE(std::equal(icmp->bytes().begin(), icmp->bytes().end(), expected.begin(), expected.end()));
  EXPECT_EQ(counter("icmp.echo_request_rx"), 1u);
  EXPECT_EQ(counter("icmp.echo_reply_tx"), 1u);
}

TEST_F(Icmp, AnswersEchoRequestsWithOddAndEmptyData) {
  for (std::size_t n : {0u, 1u, 3u, 1471u}) {
    const Frame data = pattern(n, 0xf0);
    nic_.inject(echo(1, static_cast<std::uint16_t>(n), data), at_ms(5));
    auto sent = nic_.take_sent();
    ASSERT_EQ(sent.size(), 1u) << n;
    auto icmp = parse_icmp(sent[0]);
    ASSERT_TRUE(icmp.has_value());
    EXPECT_TRUE(icmp->checksum_ok()) << n;
    EXPECT_EQ(icmp->body().size(), n);
    EXPECT_TRUE(std::equal(icmp->body().begin(), icmp->body().end(), data.begin(), data.end()));
  }
}

TEST_F(Icmp, AnswersAFragmentedEchoRequestWithAFragmentedReply) {
  const Frame data = pattern(3000, 3);
  auto frags = FrameBuilder()
                   .eth(kPeerMac, kOurMac)
                   .ipv4(kPeerIp, kOurIp, kAutoProto, 64, 0x77)
                   .icmp_echo_request(9, 10)
                   .payload(data)
                   .fragments(1480);
  for (const auto& f : frags) nic_.inject(f, at_ms(5));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 3u);
  auto whole = reassemble_payload(sent);
  ASSERT_TRUE(whole.has_value());
  auto icmp = wire::Icmpv4View::parse(view(*whole));
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kEchoReply);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_TRUE(std::equal(icmp->body().begin(), icmp->body().end(), data.begin(), data.end()));
}

TEST_F(Icmp, DoesNotAnswerAnEchoToTheLimitedBroadcast) {
  nic_.inject(echo(1, 1, pattern(8), wire::Ipv4Address::broadcast(), wire::MacAddress::broadcast()),
              at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(counter("icmp.echo_request_rx"), 1u);
}

TEST_F(Icmp, DoesNotAnswerAnEchoToTheSubnetBroadcast) {
  // RFC 1122 §3.2.2.6 lets a host ignore it; §3.2.1.3 forbids the broadcast address as a reply's source.
  nic_.inject(echo(1, 1, pattern(8), ip("10.0.0.255"), wire::MacAddress::broadcast()), at_ms(5));
  auto sent = nic_.take_sent();
  for (const auto& f : sent)
    if (auto v = parse_ipv4(f)) {
      EXPECT_NE(v->src(), ip("10.0.0.255")) << "a reply from the broadcast address";
    }
  EXPECT_TRUE(sent.empty());
}

TEST_F(Icmp, DoesNotAnswerAnEchoToAMulticastGroup) {
  nic_.inject(echo(1, 1, pattern(8), ip("224.0.0.1"), mac("01:00:5e:00:00:01")), at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, DoesNotAnswerWhenEchoIsOff) {
  HostConfig c;
  c.icmp.answer_echo = false;
  TestHost host(c);
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24"));
  nic.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
  nic.take_sent();
  nic.inject(echo(1, 1, pattern(8)), at_ms(5));
  EXPECT_EQ(nic.pending(), 0u);
}

TEST_F(Icmp, DropsABadChecksum) {
  auto f = FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, kOurIp)
               .icmp_echo_request(1, 1)
               .payload(pattern(8))
               .icmp_bad_checksum()
               .bytes();
  auto out = nic_.inject(f, at_ms(5));
  EXPECT_EQ(out.layer, Layer::Icmp);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::IcmpBadChecksum);
  EXPECT_EQ(counter("icmp.drop.bad_checksum"), 1u);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, DropsAMessageShorterThanItsHeader) {
  auto f = FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, kOurIp, wire::ip_proto::kIcmp)
               .payload({8, 0, 0, 0})
               .bytes();
  auto out = nic_.inject(f, at_ms(5));
  EXPECT_EQ(out.reason, Reason::IcmpTruncated);
  EXPECT_EQ(counter("icmp.drop.truncated"), 1u);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, KeepsEchoRepliesForThePinger) {
  host_->advance(at_ms(10));
  ASSERT_TRUE(host_->icmp().send_echo_request(kPeerIp, 0x99, 3, 32, at_ms(10)).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto req = parse_icmp(sent[0]);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->type(), wire::icmp_type::kEchoRequest);
  EXPECT_TRUE(req->checksum_ok());

  // The peer answers with the same id, sequence and data.
  const Frame data(req->body().begin(), req->body().end());
  nic_.inject(FrameBuilder()
                  .eth(kPeerMac, kOurMac)
                  .ipv4(kPeerIp, kOurIp, kAutoProto, 61)
                  .icmp_echo_reply(0x99, 3)
                  .payload(data)
                  .bytes(),
              at_ms(12));
  auto r = host_->icmp().pop_echo_reply();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->from, kPeerIp);
  EXPECT_EQ(r->id, 0x99);
  EXPECT_EQ(r->seq, 3);
  EXPECT_EQ(r->data_len, 32u);
  EXPECT_EQ(r->ttl, 61);
  EXPECT_EQ(r->at, at_ms(12));
  EXPECT_FALSE(host_->icmp().pop_echo_reply().has_value());
  EXPECT_EQ(nic_.pending(), 0u) << "a reply is not answered";
}

// -- errors we generate --

TEST_F(Icmp, PortUnreachableQuotesTheIpHeaderAndEightBytes) {
  const auto in = udp_to_closed_port(100);
  auto out = nic_.inject(in.bytes(), at_ms(5));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.reason, Reason::UdpPortUnreachable);

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->src(), kOurIp);
  EXPECT_EQ(v->dst(), kPeerIp);
  EXPECT_TRUE(v->checksum_ok());
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kPortUnreachable);
  EXPECT_EQ(core::load_be32(icmp->bytes().data() + 4), 0u) << "unused word is zero";
  EXPECT_TRUE(icmp->checksum_ok());

  const Frame l3 = in.l3_bytes();
  ASSERT_EQ(icmp->body().size(), 20u + 8u);
  EXPECT_TRUE(std::equal(icmp->body().begin(), icmp->body().end(), l3.begin()));
  EXPECT_EQ(counter("icmp.unreachable_tx"), 1u);
}

TEST_F(Icmp, PortUnreachableQuotesIpOptionsToo) {
  const auto in =
      udp_to_closed_port(100).ip_options({std::byte{1}, std::byte{1}, std::byte{1}, std::byte{1}});
  nic_.inject(in.bytes(), at_ms(5));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  const Frame l3 = in.l3_bytes();
  ASSERT_EQ(icmp->body().size(), 24u + 8u);
  EXPECT_TRUE(std::equal(icmp->body().begin(), icmp->body().end(), l3.begin()));
}

TEST_F(Icmp, QuotesOnlyWhatThereIsWhenTheDataIsShorterThanEightBytes) {
  const Frame dgram = FrameBuilder().ipv4(kPeerIp, kOurIp, 99).payload({1, 2, 3}).bytes();
  nic_.inject(FrameBuilder().eth(kPeerMac, kOurMac).wrap(dgram), at_ms(5));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  ASSERT_EQ(icmp->body().size(), 23u);
  EXPECT_TRUE(std::equal(icmp->body().begin(), icmp->body().end(), dgram.begin(), dgram.end()));
}

TEST_F(Icmp, RateLimitsErrorsToTheBurstThenRefillsOverTime) {
  const Instant t0 = at_s(10);
  // 50 datagrams to a closed port within 1 ms.
  for (int i = 0; i < 50; ++i) nic_.inject(udp_to_closed_port(10).bytes(), t0 + i * 20us);
  auto sent = nic_.take_sent();
  const auto& cfg = host_->icmp().config();
  EXPECT_EQ(sent.size(), cfg.error_burst);
  for (const auto& f : sent) EXPECT_TRUE(is_icmp(f, wire::icmp_type::kDestUnreachable, 3));
  EXPECT_EQ(counter("icmp.drop.rate_limited"), 50u - cfg.error_burst);
  EXPECT_EQ(counter("udp.drop.port_unreachable"), 50u);

  // 50 ms later the bucket holds 100/s * 50 ms = 5 tokens.
  for (int i = 0; i < 10; ++i) nic_.inject(udp_to_closed_port(10).bytes(), t0 + 1ms + 50ms);
  EXPECT_EQ(nic_.take_sent().size(), 5u);

  // A second of virtual time refills it to the burst, no more.
  for (int i = 0; i < 20; ++i) nic_.inject(udp_to_closed_port(10).bytes(), t0 + 2s);
  EXPECT_EQ(nic_.take_sent().size(), cfg.error_burst);
}

TEST_F(Icmp, RateLimitingDoesNotThrottleEchoReplies) {
  for (int i = 0; i < 20; ++i) nic_.inject(udp_to_closed_port(10).bytes(), at_s(1));
  nic_.take_sent();
  for (int i = 0; i < 20; ++i) nic_.inject(echo(1, static_cast<std::uint16_t>(i), pattern(8)), at_s(1));
  EXPECT_EQ(nic_.take_sent().size(), 20u);
}

TEST_F(Icmp, SendsNoErrorWhenErrorsAreOff) {
  HostConfig c;
  c.icmp.send_errors = false;
  TestHost host(c);
  TestNic nic(kOurMac);
  nic.attach(*host, iface("10.0.0.1/24"));
  nic.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
  nic.take_sent();
  nic.inject(udp_to_closed_port().bytes(), at_ms(5));
  EXPECT_EQ(nic.pending(), 0u);
}

TEST_F(Icmp, NeverAnswersAnIcmpErrorWithAnError) {
  // A port unreachable about a datagram we never sent: to no socket of ours, quoting a closed port.
  const Frame quoted = FrameBuilder().ipv4(kOurIp, kPeerIp).udp(kClosedPort, 53).payload(pattern(20)).bytes();
  const Frame quote(quoted.begin(), quoted.begin() + 28);
  auto out = nic_.inject(FrameBuilder()
                             .eth(kPeerMac, kOurMac)
                             .ipv4(kPeerIp, kOurIp)
                             .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kPortUnreachable)
                             .payload(view(quote))
                             .bytes(),
                         at_ms(5));
  EXPECT_EQ(out.layer, Layer::Icmp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(counter("icmp.unreachable_rx"), 1u);
  EXPECT_EQ(nic_.pending(), 0u);

  // Quoting an unknown protocol, or garbage that is no IPv4 header at all: still nothing.
  const Frame odd = FrameBuilder().ipv4(kOurIp, kPeerIp, 99).payload(pattern(8)).bytes();
  nic_.inject(FrameBuilder()
                  .eth(kPeerMac, kOurMac)
                  .ipv4(kPeerIp, kOurIp)
                  .icmp(wire::icmp_type::kTimeExceeded, 0)
                  .payload(view(odd))
                  .bytes(),
              at_ms(6));
  auto garbage = nic_.inject(FrameBuilder()
                                 .eth(kPeerMac, kOurMac)
                                 .ipv4(kPeerIp, kOurIp)
                                 .icmp(wire::icmp_type::kDestUnreachable, 1)
                                 .payload(pattern(12))
                                 .bytes(),
                             at_ms(7));
  EXPECT_EQ(garbage.reason, Reason::IcmpBadQuote);
  EXPECT_EQ(counter("icmp.drop.bad_quote"), 1u);
  EXPECT_EQ(nic_.pending(), 0u);
}

// -- what a reporter (replay --json) is shown of the datagram an error quotes, as Wireshark dissects it --

/// A port unreachable from the peer quoting `quote` (a datagram of ours, or its first bytes).
FrameBuilder port_unreachable(const Frame& quote) {
  FrameBuilder b;
  b.eth(kPeerMac, kOurMac)
      .ipv4(kPeerIp, kOurIp)
      .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kPortUnreachable)
      .payload(view(quote));
  return b;
}

TEST_F(Icmp, ReportsTheQuotedUdpHeaderOfADeliveredError) {
  const Frame dgram = FrameBuilder().ipv4(kOurIp, kPeerIp).udp(4000, 53).payload(pattern(20)).bytes();
  core::RxReport report;
  auto out =
      nic_.inject(port_unreachable(Frame(dgram.begin(), dgram.begin() + 28)).bytes(), at_ms(5), &report);
  EXPECT_EQ(out.layer, Layer::Icmp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  using R = core::RxReport;
  EXPECT_EQ(report.icmp_type, wire::icmp_type::kDestUnreachable);
  ASSERT_TRUE(report.has_any(R::kUdpCheck));
  EXPECT_EQ(report.udp_sport, 4000);
  EXPECT_EQ(report.udp_dport, 53);
  EXPECT_EQ(report.udp_length, 28);
  EXPECT_EQ(report.udp_check, R::kUnverified) << "8 of its 28 bytes quoted";
}

TEST_F(Icmp, ReportsTheQuoteOfAnErrorWhoseOwnHeaderChecksumIsBad) {
  // IPv4 drops the error; Wireshark still dissects the quote (corpus: icmp-cksum-oobr-1.pcap).
  const Frame dgram = FrameBuilder().ipv4(kOurIp, kPeerIp).udp(4000, 53).payload(pattern(20)).bytes();
  core::RxReport report;
  auto out = nic_.inject(port_unreachable(dgram).ip_bad_checksum().bytes(), at_ms(5), &report);
  EXPECT_EQ(out.layer, Layer::Ipv4);
  EXPECT_EQ(out.reason, Reason::Ipv4BadChecksum);
  using R = core::RxReport;
  EXPECT_EQ(report.ip_check, R::kBad);
  EXPECT_EQ(report.icmp_type, wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(report.icmp_code, wire::icmp_code::kPortUnreachable);
  ASSERT_TRUE(report.has_any(R::kUdpCheck));
  EXPECT_EQ(report.udp_sport, 4000);
  EXPECT_EQ(report.udp_length, 28);
  EXPECT_EQ(report.udp_check, R::kGood) << "the whole datagram quoted";

  // TCP likewise: the quoted header, no seq_raw nor tcp.len.
  const Frame seg = FrameBuilder().ipv4(kOurIp, kPeerIp).tcp(80, 4001, 7, 8, wire::tcp_flag::kAck).bytes();
  core::RxReport tcp_report;
  nic_.inject(port_unreachable(seg).ip_bad_checksum().bytes(), at_ms(6), &tcp_report);
  ASSERT_TRUE(tcp_report.has_any(R::kTcpHeader));
  EXPECT_EQ(tcp_report.tcp_sport, 80);
  EXPECT_EQ(tcp_report.tcp_ack, 8u);
  EXPECT_FALSE(tcp_report.has_any(R::kTcpSeq | R::kTcpLen));
  EXPECT_EQ(tcp_report.tcp_check, R::kGood);
}

TEST_F(Icmp, ReportsTheQuoteOfAnErrorWithABadChecksum) {
  const Frame dgram = FrameBuilder().ipv4(kOurIp, kPeerIp).udp(4000, 53).payload(pattern(20)).bytes();
  core::RxReport report;
  auto out = nic_.inject(port_unreachable(dgram).icmp_bad_checksum().bytes(), at_ms(5), &report);
  EXPECT_EQ(out.reason, Reason::IcmpBadChecksum);
  EXPECT_EQ(report.udp_sport, 4000);
  EXPECT_EQ(report.udp_check, core::RxReport::kGood);
}

TEST_F(Icmp, ReportsNoTransportOfAQuotedFragmentNorTheIcmpTypeOfAQuotedMessage) {
  using R = core::RxReport;
  const Frame frag =
      FrameBuilder().ipv4(kOurIp, kPeerIp, kAutoProto, 64, 1, kMf).udp(4000, 53).payload(pattern(20)).bytes();
  core::RxReport report;
  nic_.inject(port_unreachable(frag).ip_bad_checksum().bytes(), at_ms(5), &report);
  EXPECT_TRUE(report.has_any(R::kIcmp));
  EXPECT_FALSE(report.has_any(R::kUdp));

  // icmp.type and icmp.code are the error's, not those of the echo request it quotes.
  const Frame echo = FrameBuilder().ipv4(kOurIp, kPeerIp).icmp_echo_request(1, 2).payload(pattern(8)).bytes();
  core::RxReport echo_report;
  nic_.inject(FrameBuilder()
                  .eth(kPeerMac, kOurMac)
                  .ipv4(kPeerIp, kOurIp)
                  .ip_bad_checksum()
                  .icmp(wire::icmp_type::kTimeExceeded, 1)
                  .payload(view(echo))
                  .bytes(),
              at_ms(6), &echo_report);
  EXPECT_EQ(echo_report.icmp_type, wire::icmp_type::kTimeExceeded);
  EXPECT_EQ(echo_report.icmp_code, 1);
}

TEST_F(Icmp, HandsAPortUnreachableToTheConnectedSocketThatCausedIt) {
  auto& api = host_->sockets();
  const int fd = *api.socket(socket::kAfInet, socket::kSockDgram);
  ASSERT_TRUE(api.connect(fd, socket::SockAddrIn{kPeerIp, 53}).ok());
  auto data = to_bytes("query");
  ASSERT_TRUE(api.send(fd, view(data)).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  const auto our_dgram = l3_of(sent[0]);
  ASSERT_GE(our_dgram.size(), 28u);
  const Frame quote(our_dgram.begin(), our_dgram.begin() + 28);

  nic_.inject(FrameBuilder()
                  .eth(kPeerMac, kOurMac)
                  .ipv4(kPeerIp, kOurIp)
                  .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kPortUnreachable)
                  .payload(view(quote))
                  .bytes(),
              at_ms(5));
  auto r = api.send(fd, view(data));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::Errno::ECONNREFUSED_);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, NeverAnswersADatagramToTheLimitedBroadcast) {
  nic_.inject(udp_to_closed_port(10, wire::Ipv4Address::broadcast(), wire::MacAddress::broadcast()).bytes(),
              at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(counter("udp.drop.port_unreachable"), 1u);
}

TEST_F(Icmp, NeverAnswersADatagramToTheSubnetBroadcast) {
  nic_.inject(udp_to_closed_port(10, ip("10.0.0.255"), wire::MacAddress::broadcast()).bytes(), at_ms(5));
  auto sent = nic_.take_sent();
  for (const auto& f : sent)
    if (auto v = parse_ipv4(f)) {
      EXPECT_NE(v->src(), ip("10.0.0.255")) << "an error from the broadcast address";
    }
  EXPECT_TRUE(sent.empty());
}

TEST_F(Icmp, NeverAnswersADatagramToAMulticastGroup) {
  nic_.inject(udp_to_closed_port(10, ip("224.0.0.251"), mac("01:00:5e:00:00:fb")).bytes(), at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, NeverAnswersADatagramSentAsALinkLayerBroadcast) {
  // RFC 1122 §3.2.2: no error about "a datagram sent as a link-layer broadcast", even to our unicast address.
  nic_.inject(udp_to_closed_port(10, kOurIp, wire::MacAddress::broadcast()).bytes(), at_ms(5));
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Icmp, NeverAnswersADatagramFromNoHost) {
  for (auto src : {wire::Ipv4Address::any(), ip("224.0.0.5")}) {
    auto f =
        FrameBuilder().eth(kPeerMac, kOurMac).ipv4(src, kOurIp).udp(5555, kClosedPort).payload("x").bytes();
    nic_.inject(f, at_ms(5));
    EXPECT_EQ(nic_.pending(), 0u) << src.to_string();
  }
}

// -- on a router: errors about forwarded datagrams --

class IcmpOnRouter : public ::testing::Test {
 protected:
  static HostConfig router() {
    HostConfig c;
    c.ipv4.forward = true;
    return c;
  }
  IcmpOnRouter() : host_(router()), nic0_(kOurMac), nic1_(kOurMac1, 1500, "eth1") {}
  void SetUp() override {
    nic0_.attach(*host_, iface("10.0.0.1/24"));
    nic1_.attach(*host_, iface("10.0.1.1/24"));
    nic0_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
    nic0_.take_sent();
    nic1_.take_sent();
  }
  TestHost host_;
  TestNic nic0_, nic1_;
};

TEST_F(IcmpOnRouter, NeverAnswersAnIcmpErrorWhoseTtlRunsOut) {
  const Frame quoted = FrameBuilder().ipv4(ip("10.0.1.2"), kPeerIp).udp(53, 5555).payload(pattern(8)).bytes();
  auto f = FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, ip("10.0.1.2"), kAutoProto, /*ttl=*/1)
               .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kPortUnreachable)
               .payload(view(quoted))
               .bytes();
  EXPECT_EQ(nic0_.inject(f, at_ms(5)).reason, Reason::Ipv4TtlExceeded);
  EXPECT_EQ(nic0_.pending(), 0u);
  EXPECT_EQ(host_->counters().get("icmp.time_exceeded_tx"), 0u);
}

TEST_F(IcmpOnRouter, NeverAnswersADatagramSentAsALinkLayerBroadcast) {
  // RFC 1812 §4.3.2.7: no ICMP error about a packet sent as a link-layer broadcast or multicast; and
  // RFC 1812 §5.3.4: such a packet with a unicast IP destination is not forwarded at all.
  auto f = icmp_echo_request(kPeerMac, wire::MacAddress::broadcast(), kPeerIp, ip("10.0.1.2"), 1, 1,
                             view(pattern(8)), /*ttl=*/1);
  EXPECT_EQ(nic0_.inject(f, at_ms(5)).reason, Reason::Ipv4LinkBroadcast);
  auto no_route = icmp_echo_request(kPeerMac, wire::MacAddress::broadcast(), kPeerIp, ip("172.16.0.1"), 1, 1,
                                    view(pattern(8)));
  EXPECT_EQ(nic0_.inject(no_route, at_ms(6)).reason, Reason::Ipv4LinkBroadcast);
  auto routable = icmp_echo_request(kPeerMac, wire::MacAddress::broadcast(), kPeerIp, ip("10.0.1.2"), 1, 1,
                                    view(pattern(8)));
  EXPECT_EQ(nic0_.inject(routable, at_ms(7)).reason, Reason::Ipv4LinkBroadcast);
  EXPECT_EQ(nic0_.pending(), 0u);
  EXPECT_EQ(nic1_.pending(), 0u);
  EXPECT_EQ(host_->counters().get("ipv4.drop.link_broadcast"), 3u);
}

TEST_F(IcmpOnRouter, AnswersAnEchoRequestWhoseTtlRunsOut) {
  // An echo request is not an error: traceroute by ping relies on this.
  auto f = icmp_echo_request(kPeerMac, kOurMac, kPeerIp, ip("10.0.1.2"), 1, 1, view(pattern(8)), /*ttl=*/1);
  nic0_.inject(f, at_ms(5));
  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(is_icmp(sent[0], wire::icmp_type::kTimeExceeded, wire::icmp_code::kTtlExceeded));
}

TEST_F(IcmpOnRouter, AnswersOnlyTheFirstFragmentWhoseTtlRunsOut) {
  auto frags = FrameBuilder()
                   .eth(kPeerMac, kOurMac)
                   .ipv4(kPeerIp, ip("10.0.1.2"), kAutoProto, /*ttl=*/1, 0x42)
                   .udp(5555, 53)
                   .payload(pattern(2000))
                   .fragments(1480);
  ASSERT_EQ(frags.size(), 2u);
  nic0_.inject(frags[1], at_ms(5));
  EXPECT_EQ(nic0_.pending(), 0u) << "nothing about a non-first fragment";
  EXPECT_EQ(host_->counters().get("ipv4.drop.ttl_exceeded"), 1u);
  nic0_.inject(frags[0], at_ms(6));
  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(is_icmp(sent[0], wire::icmp_type::kTimeExceeded, wire::icmp_code::kTtlExceeded));
}

}  // namespace
