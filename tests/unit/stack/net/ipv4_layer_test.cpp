// SPDX-License-Identifier: MIT
// Ipv4Layer through a Host on TestNics: header validation, delivery, forwarding (TTL, routes, ICMP errors,
// DF), fragmentation on send and reassembly on receive (with its timeout), unknown protocols.
#include "stack/net/ipv4_layer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

#include "stack/socket/socket_api.hpp"
#include "stack/wire/checksum.hpp"
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

const wire::MacAddress kFarMac = mac("02:00:00:00:01:02");
const wire::MacAddress kGatewayMac = mac("02:00:00:00:01:fe");
const wire::Ipv4Address kOurIp1 = ip("10.0.1.1");
const wire::Ipv4Address kFarIp = ip("10.0.1.2");
constexpr std::uint16_t kPort = 7000;

/// ICMP body = the offending datagram's header and the first 8 bytes of its data (RFC 792).
void expect_quotes(const wire::Icmpv4View& icmp, const Frame& offending_l3) {
  auto off = wire::Ipv4View::parse(view(offending_l3));
  ASSERT_TRUE(off.ok());
  const std::size_t n = off->header_len() + std::min<std::size_t>(8, off->payload().size());
  ASSERT_EQ(icmp.body().size(), n);
  EXPECT_TRUE(std::equal(icmp.body().begin(), icmp.body().end(), offending_l3.begin()));
}

/// The IPv4 datagram after the Ethernet header of a frame, as owned bytes.
Frame l3_copy(const Frame& f) {
  auto b = l3_of(f);
  return Frame(b.begin(), b.end());
}

// ---- one interface
// -------------------------------------------------------------------------------------------

class Ipv4Layer : public ::testing::Test {
 protected:
  explicit Ipv4Layer(HostConfig config = {}, std::optional<std::uint16_t> mtu = std::nullopt)
      : host_(config), nic_(kOurMac), mtu_(mtu) {}
  void SetUp() override {
    nic_.attach(*host_, iface("10.0.0.1/24", mtu_));
    nic_.take_sent();
    // The peer asked for us first: its MAC is known, so what we send leaves at once.
    nic_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
    nic_.take_sent();
    fd_ = *host_->sockets().socket(socket::kAfInet, socket::kSockDgram);
    ASSERT_TRUE(host_->sockets().bind(fd_, socket::SockAddrIn{wire::Ipv4Address::any(), kPort}).ok());
  }
  FrameBuilder from_peer(std::uint8_t ttl = 64, std::uint16_t ident = 1, std::uint16_t flags = 0) {
    FrameBuilder b;
    b.eth(kPeerMac, kOurMac)
        .ipv4(kPeerIp, kOurIp, kAutoProto, ttl, ident, flags)
        .udp(5000, kPort)
        .payload("data");
    return b;
  }
  /// The next datagram on the bound socket (whole payload).
  std::optional<Frame> received(socket::SockAddrIn* from = nullptr) {
    Frame buf(70000);
    auto n = host_->sockets().recvfrom(fd_, buf, from);
    if (!n) return std::nullopt;
    buf.resize(*n);
    return buf;
  }
  socket::SockResult<std::size_t> send(wire::Ipv4Address to, const Frame& data, std::uint16_t port = 9) {
    return host_->sockets().sendto(fd_, view(data), socket::SockAddrIn{to, port});
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }
  void expect_drop(const RxOutcome& out, Reason r) {
    EXPECT_EQ(out.layer, Layer::Ipv4);
    EXPECT_EQ(out.verdict, Verdict::Drop);
    EXPECT_EQ(out.reason, r);
    EXPECT_EQ(counter(core::Counters::drop_counter_name(r)), 1u) << core::Counters::drop_counter_name(r);
  }

  TestHost host_;
  TestNic nic_;
  std::optional<std::uint16_t> mtu_;
  int fd_ = -1;
};

// -- validation --

TEST_F(Ipv4Layer, DeliversAValidDatagramToTheTransport) {
  auto out = nic_.inject(from_peer().bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(received(), to_bytes("data"));
  EXPECT_EQ(counter("ipv4.rx"), 1u);
  EXPECT_EQ(counter("ipv4.delivered"), 1u);
}

TEST_F(Ipv4Layer, DropsABadHeaderChecksum) {
  expect_drop(nic_.inject(from_peer().ip_bad_checksum().bytes(), at_ms(1)), Reason::Ipv4BadChecksum);
  EXPECT_FALSE(received().has_value());
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Ipv4Layer, DropsAVersionOtherThanFour) {
  expect_drop(nic_.inject(from_peer().ip_version_ihl(0x65).bytes(), at_ms(1)), Reason::Ipv4BadVersion);
}

TEST_F(Ipv4Layer, DropsAHeaderLengthBelowTwentyBytes) {
  expect_drop(nic_.inject(from_peer().ip_version_ihl(0x44).bytes(), at_ms(1)), Reason::Ipv4BadHeaderLength);
}

TEST_F(Ipv4Layer, DropsAHeaderCutShort) {
  auto f = from_peer().bytes();
  f.resize(wire::kEthernetHeaderLen + 19);
  expect_drop(nic_.inject(f, at_ms(1)), Reason::Ipv4Truncated);
}

TEST_F(Ipv4Layer, DropsADatagramShorterThanItsTotalLength) {
  // 20 + 8 + 4 bytes on the wire, the header claims 10 more.
  expect_drop(nic_.inject(from_peer().ip_total_length(20 + 8 + 4 + 10).bytes(), at_ms(1)),
              Reason::Ipv4Truncated);
  EXPECT_FALSE(received().has_value());
}

TEST_F(Ipv4Layer, DropsATotalLengthBelowTheHeaderLength) {
  expect_drop(nic_.inject(from_peer().ip_total_length(19).bytes(), at_ms(1)), Reason::Ipv4BadTotalLength);
}

// -- what a reporter (replay --json) is shown of a dropped datagram, as Wireshark dissects it --

/// A TCP segment from the peer with 1000 bytes of data: 14 + 20 + 20 + 1000 bytes.
FrameBuilder tcp_from_peer(std::uint16_t flags_frag = kDf) {
  FrameBuilder b;
  b.eth(kPeerMac, kOurMac)
      .ipv4(kPeerIp, kOurIp, kAutoProto, 64, 0x3001, flags_frag)
      .tcp(5000, 80, 1000, 2000, wire::tcp_flag::kAck)
      .payload(view(Frame(1000, std::byte{'x'})));
  return b;
}

TEST_F(Ipv4Layer, DropsATsoSuperPacketWithATotalLengthOfZero) {
  // What a capture on the sending host shows before the NIC segments it (TSO): no host receives that.
  expect_drop(nic_.inject(tcp_from_peer().ip_total_length(0).bytes(), at_ms(1)), Reason::Ipv4BadTotalLength);
}

TEST_F(Ipv4Layer, ReportsATsoSuperPacketWithItsLengthOnTheWire) {
  // BIG TCP: 80000 bytes on the wire, of which the capture kept the first 1054 (snaplen).
  const Frame f = tcp_from_peer().ip_total_length(0).bytes();
  core::RxReport report;
  report.frame_len = 80000;
  expect_drop(nic_.inject(f, at_ms(1), &report), Reason::Ipv4BadTotalLength);
  using R = core::RxReport;
  ASSERT_TRUE(report.has_any(R::kIpLen));
  EXPECT_EQ(report.ip_len, 80000u - wire::kEthernetHeaderLen);
  EXPECT_EQ(report.has & R::kIpAny, std::uint64_t{R::kIpAny}) << "every IPv4 field";
  EXPECT_EQ(report.ip_id, 0x3001);
  EXPECT_EQ(report.ip_df, 1);
  EXPECT_EQ(report.ip_check, R::kGood);
  ASSERT_TRUE(report.has_any(R::kTcpLen));
  EXPECT_EQ(report.tcp_sport, 5000);
  EXPECT_EQ(report.tcp_seq, 1000u);
  EXPECT_EQ(report.tcp_len, 80000u - wire::kEthernetHeaderLen - 20 - 20);
  EXPECT_EQ(report.tcp_check, R::kUnverified) << "not all of it captured";
}

TEST_F(Ipv4Layer, ReportsATsoSuperPacketCapturedWholeWithItsChecksum) {
  // frame_len left 0 (unknown): the captured bytes are the length on the wire.
  core::RxReport report;
  expect_drop(nic_.inject(tcp_from_peer().ip_total_length(0).bytes(), at_ms(1), &report),
              Reason::Ipv4BadTotalLength);
  EXPECT_EQ(report.ip_len, 20u + 20 + 1000);
  EXPECT_EQ(report.tcp_len, 1000u);
  EXPECT_EQ(report.tcp_check, core::RxReport::kGood);
}

TEST_F(Ipv4Layer, ReportsNoTransportOfATsoFragmentItWouldReassemble) {
  // Wireshark holds a whole first fragment with a good header for reassembly: no TCP field.
  core::RxReport report;
  expect_drop(nic_.inject(tcp_from_peer(kMf).ip_total_length(0).bytes(), at_ms(1), &report),
              Reason::Ipv4BadTotalLength);
  EXPECT_TRUE(report.has_any(core::RxReport::kIpLen));
  EXPECT_FALSE(report.has_any(core::RxReport::kTcp));
}

TEST_F(Ipv4Layer, ReportsTheTcpLengthOfAFrameShorterOnTheWireThanItsTotalLength) {
  // The header claims 2000 bytes, the frame had 1054 on the wire (all captured): Wireshark bounds the
  // segment by the frame.
  const Frame f = tcp_from_peer().ip_total_length(2000).bytes();
  core::RxReport report;
  report.frame_len = static_cast<std::uint32_t>(f.size());
  expect_drop(nic_.inject(f, at_ms(1), &report), Reason::Ipv4Truncated);
  EXPECT_EQ(report.ip_len, 2000u);
  EXPECT_EQ(report.tcp_len, 1000u);
  EXPECT_EQ(report.tcp_check, core::RxReport::kGood) << "summed over the bytes the frame had";
}

TEST_F(Ipv4Layer, DropsADatagramForAnotherHostWhenNotForwarding) {
  auto f = FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(kPeerIp, ip("10.0.0.99"))
               .udp(5000, kPort)
               .payload("x")
               .bytes();
  expect_drop(nic_.inject(f, at_ms(1)), Reason::Ipv4NotForUs);
  EXPECT_EQ(nic_.pending(), 0u) << "no ICMP for a datagram that is not ours";
}

TEST_F(Ipv4Layer, DropsABroadcastSource) {
  auto f = FrameBuilder()
               .eth(kPeerMac, kOurMac)
               .ipv4(wire::Ipv4Address::broadcast(), kOurIp)
               .udp(5000, kPort)
               .payload("x")
               .bytes();
  expect_drop(nic_.inject(f, at_ms(1)), Reason::Ipv4BadSource);
}

TEST_F(Ipv4Layer, DeliversADatagramWithOptions) {
  // Two NOPs and an EOL padded to 4 bytes: IHL 6.
  auto f = from_peer().ip_options({std::byte{1}, std::byte{1}, std::byte{0}}).bytes();
  ASSERT_EQ(core::load_u8(f.data() + wire::kEthernetHeaderLen) & 0xf, 6);
  auto out = nic_.inject(f, at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(received(), to_bytes("data"));
}

TEST_F(Ipv4Layer, DeliversDatagramsForTheSubnetAndLimitedBroadcast) {
  for (auto dst : {ip("10.0.0.255"), wire::Ipv4Address::broadcast()}) {
    auto f = FrameBuilder()
                 .eth(kPeerMac, wire::MacAddress::broadcast())
                 .ipv4(kPeerIp, dst)
                 .udp(5000, kPort)
                 .payload("all")
                 .bytes();
    EXPECT_EQ(nic_.inject(f, at_ms(1)).verdict, Verdict::Deliver) << dst.to_string();
    EXPECT_EQ(received(), to_bytes("all"));
  }
}

TEST_F(Ipv4Layer, ATtlOfOneIsFineForADatagramAddressedToUs) {
  auto out = nic_.inject(from_peer(/*ttl=*/1).bytes(), at_ms(1));
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(nic_.pending(), 0u);
}

// -- sending --

TEST_F(Ipv4Layer, SendsAWellFormedHeader) {
  host_->advance(at_ms(10));
  ASSERT_TRUE(send(kPeerIp, to_bytes("hello")).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->header_len(), 20);
  EXPECT_EQ(v->total_length(), 20 + 8 + 5);
  EXPECT_TRUE(v->checksum_ok());
  EXPECT_EQ(v->ttl(), 64);
  EXPECT_EQ(v->protocol(), wire::ip_proto::kUdp);
  EXPECT_EQ(v->src(), kOurIp);
  EXPECT_EQ(v->dst(), kPeerIp);
  EXPECT_FALSE(v->is_fragment());
  EXPECT_FALSE(v->dont_fragment());
  EXPECT_EQ(counter("ipv4.tx"), 1u);
}

TEST_F(Ipv4Layer, GivesEachDatagramANewIdentification) {
  ASSERT_TRUE(send(kPeerIp, to_bytes("a")).ok());
  ASSERT_TRUE(send(kPeerIp, to_bytes("b")).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(parse_ipv4(sent[0])->ident(), parse_ipv4(sent[1])->ident());
}

TEST_F(Ipv4Layer, SendsOffLinkDestinationsToTheGateway) {
  ASSERT_TRUE(host_->ipv4().routes().add(net::Route{cidr("0.0.0.0/0"), ip("10.0.0.254"), nic_.id(), 0}));
  ASSERT_TRUE(send(ip("8.8.8.8"), to_bytes("far")).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(is_arp_request(sent[0]));
  EXPECT_EQ(parse_arp(sent[0])->target_ip(), ip("10.0.0.254")) << "ARP for the gateway, not the destination";

  nic_.inject(arp_reply(kGatewayMac, ip("10.0.0.254"), kOurMac, kOurIp), at_ms(5));
  sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kGatewayMac);
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), ip("8.8.8.8"));
}

TEST_F(Ipv4Layer, SendsToTheSubnetBroadcastAsALinkBroadcastWithoutArp) {
  ASSERT_TRUE(send(ip("10.0.0.255"), to_bytes("all")).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_eth(sent[0])->dst(), wire::MacAddress::broadcast());
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), ip("10.0.0.255"));
  EXPECT_EQ(parse_ipv4(sent[0])->src(), kOurIp);
}

TEST_F(Ipv4Layer, RefusesToSendWithoutARoute) {
  auto r = send(ip("192.168.1.1"), to_bytes("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), core::Errno::ENETUNREACH_);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(Ipv4Layer, SendsADatagramThatFillsTheMtuInOneFrame) {
  ASSERT_TRUE(send(kPeerIp, pattern(1500 - 20 - 8)).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_ipv4(sent[0])->total_length(), 1500);
  EXPECT_FALSE(parse_ipv4(sent[0])->is_fragment());
  EXPECT_EQ(counter("ipv4.fragmented"), 0u);
}

TEST_F(Ipv4Layer, FragmentsA3000ByteDatagramIntoThreeOnMtu1500) {
  const Frame data = pattern(3000);
  ASSERT_TRUE(send(kPeerIp, data, 4242).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 3u);

  // RFC 791 §3.2: 1480 payload bytes per full fragment (a multiple of 8), 3008 = 1480 + 1480 + 48.
  const std::uint16_t total_lengths[] = {1500, 1500, 20 + 48};
  const std::uint16_t offsets[] = {0, 185, 370};
  const bool more[] = {true, true, false};
  const std::uint16_t ident = parse_ipv4(sent[0])->ident();
  for (std::size_t i = 0; i < 3; ++i) {
    auto v = parse_ipv4(sent[i]);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->total_length(), total_lengths[i]) << i;
    EXPECT_EQ(v->frag_offset(), offsets[i]) << i;
    EXPECT_EQ(v->more_fragments(), more[i]) << i;
    EXPECT_FALSE(v->dont_fragment());
    EXPECT_EQ(v->ident(), ident);
    EXPECT_TRUE(v->checksum_ok()) << i;
    EXPECT_EQ(v->protocol(), wire::ip_proto::kUdp);
    EXPECT_EQ(v->src(), kOurIp);
    EXPECT_EQ(v->dst(), kPeerIp);
    EXPECT_EQ(parse_eth(sent[i])->dst(), kPeerMac);
  }

  // Put back together, the fragments are the UDP datagram we meant, checksum and all.
  auto whole = reassemble_payload(sent);
  ASSERT_TRUE(whole.has_value());
  ASSERT_EQ(whole->size(), 8 + data.size());
  auto udp = wire::UdpView::parse(view(*whole));
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->dst_port(), 4242);
  EXPECT_EQ(udp->length(), 3008);
  EXPECT_TRUE(udp->checksum_ok(kOurIp, kPeerIp));
  EXPECT_TRUE(std::equal(data.begin(), data.end(), whole->begin() + 8));
  EXPECT_EQ(counter("ipv4.fragmented"), 1u);
  EXPECT_EQ(counter("ipv4.fragment_tx"), 3u);
}

TEST_F(Ipv4Layer, ADatagramOneByteOverTheMtuLeavesInTwoFragments) {
  ASSERT_TRUE(send(kPeerIp, pattern(1500 - 20 - 8 + 1)).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(parse_ipv4(sent[0])->total_length(), 1500);
  EXPECT_EQ(parse_ipv4(sent[1])->total_length(), 20 + 1);
  EXPECT_TRUE(reassemble_payload(sent).has_value());
}

class Ipv4LayerSmallMtu : public Ipv4Layer {
 protected:
  Ipv4LayerSmallMtu() : Ipv4Layer(HostConfig{}, 576) {}
};

TEST_F(Ipv4LayerSmallMtu, FragmentsToA576ByteLink) {
  const Frame data = pattern(3000);
  ASSERT_TRUE(send(kPeerIp, data).ok());
  auto sent = nic_.take_sent();
  // (576 - 20) / 8 * 8 = 552 payload bytes per fragment: 3008 = 5 * 552 + 248.
  ASSERT_EQ(sent.size(), 6u);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    auto v = parse_ipv4(sent[i]);
    ASSERT_TRUE(v.has_value());
    EXPECT_LE(v->total_length(), 576);
    EXPECT_EQ(v->frag_offset() * 8u, i * 552);
    if (i + 1 < sent.size()) {
      EXPECT_EQ(v->total_length(), 20 + 552);
      EXPECT_TRUE(v->more_fragments());
    } else {
      EXPECT_EQ(v->total_length(), 20 + 248);
      EXPECT_FALSE(v->more_fragments());
    }
  }
  auto whole = reassemble_payload(sent);
  ASSERT_TRUE(whole.has_value());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), whole->begin() + 8));
}

TEST_F(Ipv4LayerSmallMtu, FragmentsSmallDatagramsOnlyWhenNeeded) {
  ASSERT_TRUE(send(kPeerIp, pattern(576 - 28)).ok());
  ASSERT_TRUE(send(kPeerIp, pattern(576 - 27)).ok());
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_FALSE(parse_ipv4(sent[0])->is_fragment());
  EXPECT_TRUE(parse_ipv4(sent[1])->is_fragment());
}

// -- reassembly --

TEST_F(Ipv4Layer, DeliversAFragmentedDatagramOnceComplete) {
  const Frame data = pattern(3000, 7);
  auto frags = from_peer(64, 0x1234).payload(data).fragments(1480);
  ASSERT_EQ(frags.size(), 3u);

  EXPECT_EQ(nic_.inject(frags[0], at_ms(1)).verdict, Verdict::Reassembling);
  EXPECT_EQ(nic_.inject(frags[1], at_ms(2)).verdict, Verdict::Reassembling);
  EXPECT_FALSE(received().has_value()) << "nothing before the last fragment";
  auto out = nic_.inject(frags[2], at_ms(3));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);

  socket::SockAddrIn from{};
  auto got = received(&from);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, data);
  EXPECT_EQ(from.addr, kPeerIp);
  EXPECT_EQ(from.port, 5000);
  EXPECT_EQ(counter("ipv4.fragment_rx"), 3u);
  EXPECT_EQ(counter("ipv4.reassembled"), 1u);
  EXPECT_EQ(host_->ipv4().reassembler().datagrams_in_progress(), 0u);
}

TEST_F(Ipv4Layer, DeliversAFragmentedDatagramArrivingInReverse) {
  const Frame data = pattern(3000, 99);
  auto frags = from_peer(64, 0x4321).payload(data).fragments(1480);
  std::reverse(frags.begin(), frags.end());
  for (std::size_t i = 0; i + 1 < frags.size(); ++i)
    EXPECT_EQ(nic_.inject(frags[i], at_ms(1 + static_cast<int>(i))).verdict, Verdict::Reassembling);
  EXPECT_EQ(nic_.inject(frags.back(), at_ms(10)).verdict, Verdict::Deliver);
  EXPECT_EQ(received(), data);
}

TEST_F(Ipv4Layer, KeepsInterleavedDatagramsApartByIdentification) {
  auto a = from_peer(64, 1).payload(pattern(2000, 1)).fragments(1480);
  auto b = from_peer(64, 2).payload(pattern(2000, 2)).fragments(1480);
  nic_.inject(a[0], at_ms(1));
  nic_.inject(b[0], at_ms(2));
  nic_.inject(b[1], at_ms(3));
  nic_.inject(a[1], at_ms(4));
  EXPECT_EQ(received(), pattern(2000, 2));
  EXPECT_EQ(received(), pattern(2000, 1));
}

TEST_F(Ipv4Layer, AnsweringAClosedPortAboutAReassembledDatagramQuotesItsWholeHeader) {
  auto frags = FrameBuilder()
                   .eth(kPeerMac, kOurMac)
                   .ipv4(kPeerIp, kOurIp, kAutoProto, 64, 77)
                   .udp(5000, 1)  // nobody listens on port 1
                   .payload(pattern(2000))
                   .fragments(1480);
  nic_.inject(frags[0], at_ms(1));
  nic_.inject(frags[1], at_ms(2));
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kPortUnreachable);
  auto quoted = wire::Ipv4View::parse(icmp->body());
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->ident(), 77);
  EXPECT_FALSE(quoted->is_fragment()) << "the reassembled datagram's header";
  EXPECT_EQ(quoted->total_length(), 20 + 8 + 2000);
}

TEST_F(Ipv4Layer, ReassemblyTimeoutSendsTimeExceededWhenFragmentZeroCame) {
  auto datagram = from_peer(64, 0x0bad).payload(pattern(3000));
  auto frags = datagram.fragments(1480);
  const Instant t0 = at_s(1);
  nic_.inject(frags[0], t0);
  nic_.inject(frags[2], t0 + 1s);
  EXPECT_EQ(host_->next_deadline(), t0 + 30s) << "the timer starts with the first fragment to arrive";

  host_->advance(t0 + 30s - 1ns);
  EXPECT_EQ(nic_.pending(), 0u);

  host_->advance(t0 + 30s);
  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->src(), kOurIp);
  EXPECT_EQ(v->dst(), kPeerIp);
  EXPECT_TRUE(v->checksum_ok());
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_TRUE(icmp->checksum_ok());
  // RFC 792: time exceeded, code 1 (fragment reassembly time exceeded), quoting fragment zero as received.
  EXPECT_EQ(icmp->type(), wire::icmp_type::kTimeExceeded);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kReassemblyExceeded);
  expect_quotes(*icmp, l3_copy(frags[0]));
  EXPECT_EQ(counter("ipv4.drop.reassembly_timeout"), 1u);
  EXPECT_EQ(counter("icmp.time_exceeded_tx"), 1u);
  EXPECT_EQ(host_->ipv4().reassembler().datagrams_in_progress(), 0u);

  // The fragment that never came is now alone: it starts a new datagram, it does not complete the old one.
  EXPECT_EQ(nic_.inject(frags[1], t0 + 31s).verdict, Verdict::Reassembling);
  EXPECT_FALSE(received().has_value());
}

TEST_F(Ipv4Layer, ReassemblyTimeoutIsSilentWithoutFragmentZero) {
  auto frags = from_peer(64, 0x0bad).payload(pattern(3000)).fragments(1480);
  nic_.inject(frags[1], at_s(1));
  nic_.inject(frags[2], at_s(2));
  host_->advance(at_s(40));
  EXPECT_EQ(nic_.pending(), 0u);
  EXPECT_EQ(counter("ipv4.drop.reassembly_timeout"), 1u);
  EXPECT_EQ(counter("icmp.time_exceeded_tx"), 0u);
}

// -- unknown protocol --

TEST_F(Ipv4Layer, AnswersAnUnknownProtocolWithProtocolUnreachable) {
  const Frame dgram = FrameBuilder().ipv4(kPeerIp, kOurIp, 99).payload(pattern(30)).bytes();
  auto out = nic_.inject(FrameBuilder().eth(kPeerMac, kOurMac).wrap(dgram), at_ms(1));
  expect_drop(out, Reason::Ipv4UnknownProtocol);

  auto sent = nic_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kProtocolUnreachable);
  EXPECT_TRUE(icmp->checksum_ok());
  expect_quotes(*icmp, dgram);
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), kPeerIp);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kPeerMac);
}

TEST_F(Ipv4Layer, DoesNotAnswerAnUnknownProtocolSentToBroadcast) {
  for (auto dst : {wire::Ipv4Address::broadcast(), ip("10.0.0.255")}) {
    auto f = FrameBuilder()
                 .eth(kPeerMac, wire::MacAddress::broadcast())
                 .ipv4(kPeerIp, dst, 99)
                 .payload("x")
                 .bytes();
    EXPECT_EQ(nic_.inject(f, at_ms(1)).reason, Reason::Ipv4UnknownProtocol);
    EXPECT_EQ(nic_.pending(), 0u) << dst.to_string();
  }
}

// ---- a router: two interfaces, forwarding on
// ---------------------------------------------------------------

class Ipv4Forwarding : public ::testing::Test {
 protected:
  static HostConfig router() {
    HostConfig c;
    c.ipv4.forward = true;
    return c;
  }
  explicit Ipv4Forwarding(std::optional<std::uint16_t> mtu1 = std::nullopt)
      : host_(router()), nic0_(kOurMac, 1500, "eth0"), nic1_(kOurMac1, 1500, "eth1"), mtu1_(mtu1) {}
  void SetUp() override {
    nic0_.attach(*host_, iface("10.0.0.1/24"));
    nic1_.attach(*host_, iface("10.0.1.1/24", mtu1_));
    nic0_.take_sent();
    nic1_.take_sent();
    // The sender on eth0 is known (it asked for its gateway); the receiver on eth1 is not yet.
    nic0_.inject(arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(0));
    nic0_.take_sent();
  }
  FrameBuilder to_far(std::uint8_t ttl = 64, std::uint16_t flags = 0, std::size_t n = 100,
                      wire::Ipv4Address dst = kFarIp) {
    FrameBuilder b;
    b.eth(kPeerMac, kOurMac)
        .ipv4(kPeerIp, dst, kAutoProto, ttl, 0x5555, flags)
        .udp(1111, 2222)
        .payload(pattern(n));
    return b;
  }
  /// Answers the ARP request the router sent on eth1 for `who`.
  void answer_on_nic1(wire::Ipv4Address who, wire::MacAddress m, Instant t) {
    nic1_.inject(arp_reply(m, who, kOurMac1, kOurIp1), t);
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }

  TestHost host_;
  TestNic nic0_, nic1_;
  std::optional<std::uint16_t> mtu1_;
};

TEST_F(Ipv4Forwarding, ForwardsWithTtlDecrementedAndAValidChecksum) {
  const auto in = to_far(64);
  auto out = nic0_.inject(in.bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Ipv4);
  EXPECT_EQ(out.verdict, Verdict::Deliver);

  // The next hop is resolved first, on the outgoing interface.
  auto sent = nic1_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(is_arp_request(sent[0]));
  EXPECT_EQ(parse_arp(sent[0])->target_ip(), kFarIp);
  EXPECT_EQ(parse_arp(sent[0])->sender_ip(), kOurIp1);
  EXPECT_EQ(nic0_.pending(), 0u);

  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  sent = nic1_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto eth = parse_eth(sent[0]);
  EXPECT_EQ(eth->src(), kOurMac1);
  EXPECT_EQ(eth->dst(), kFarMac);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->ttl(), 63);
  EXPECT_TRUE(v->checksum_ok());

  // Byte for byte the datagram that came in, but for TTL and checksum.
  Frame expected = in.l3_bytes();
  expected[8] = std::byte{63};
  FrameBuilder::fix_ip_checksum(expected);
  EXPECT_EQ(l3_copy(sent[0]), expected);
  EXPECT_EQ(counter("ipv4.forwarded"), 1u);
}

TEST_F(Ipv4Forwarding, ForwardsOptionsUnchanged) {
  auto in = to_far(9).ip_options({std::byte{1}, std::byte{1}, std::byte{1}, std::byte{0}});
  nic0_.inject(in.bytes(), at_ms(1));
  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  auto sent = nic1_.take_sent();
  ASSERT_EQ(sent.size(), 2u);  // the request, then the datagram
  Frame expected = in.l3_bytes();
  expected[8] = std::byte{8};
  FrameBuilder::fix_ip_checksum(expected);
  EXPECT_EQ(l3_copy(sent[1]), expected);
}

TEST_F(Ipv4Forwarding, ForwardsOffLinkDestinationsToTheRouteGateway) {
  ASSERT_TRUE(
      host_->ipv4().routes().add(net::Route{cidr("192.168.0.0/16"), ip("10.0.1.254"), nic1_.id(), 0}));
  nic0_.inject(to_far(64, 0, 10, ip("192.168.3.4")).bytes(), at_ms(1));
  auto sent = nic1_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_arp(sent[0])->target_ip(), ip("10.0.1.254"));
  answer_on_nic1(ip("10.0.1.254"), kGatewayMac, at_ms(2));
  sent = nic1_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kGatewayMac);
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), ip("192.168.3.4"));
}

TEST_F(Ipv4Forwarding, DropsTtlOneWithTimeExceeded) {
  const auto in = to_far(1);
  auto out = nic0_.inject(in.bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Ipv4);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::Ipv4TtlExceeded);
  EXPECT_EQ(counter("ipv4.drop.ttl_exceeded"), 1u);
  EXPECT_EQ(nic1_.pending(), 0u) << "nothing forwarded, no ARP for the destination";

  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto v = parse_ipv4(sent[0]);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->src(), kOurIp) << "from the interface that faces the sender";
  EXPECT_EQ(v->dst(), kPeerIp);
  EXPECT_EQ(parse_eth(sent[0])->dst(), kPeerMac);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kTimeExceeded);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kTtlExceeded);
  EXPECT_TRUE(icmp->checksum_ok());
  expect_quotes(*icmp, in.l3_bytes());
}

TEST_F(Ipv4Forwarding, DropsTtlZeroWithTimeExceeded) {
  EXPECT_EQ(nic0_.inject(to_far(0).bytes(), at_ms(1)).reason, Reason::Ipv4TtlExceeded);
  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(is_icmp(sent[0], wire::icmp_type::kTimeExceeded, 0));
}

TEST_F(Ipv4Forwarding, ForwardsTtlTwo) {
  nic0_.inject(to_far(2).bytes(), at_ms(1));
  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  auto sent = filter(nic1_.take_sent(), [](const Frame& f) { return parse_ipv4(f).has_value(); });
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_ipv4(sent[0])->ttl(), 1);
}

TEST_F(Ipv4Forwarding, AnswersNoRouteWithNetUnreachable) {
  const auto in = to_far(64, 0, 20, ip("172.16.0.1"));
  auto out = nic0_.inject(in.bytes(), at_ms(1));
  EXPECT_EQ(out.reason, Reason::Ipv4NoRoute);
  EXPECT_EQ(counter("ipv4.drop.no_route"), 1u);
  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kNetUnreachable);
  expect_quotes(*icmp, in.l3_bytes());
  EXPECT_EQ(parse_ipv4(sent[0])->dst(), kPeerIp);
}

TEST_F(Ipv4Forwarding, DeliversLocallyWhatIsAddressedToAnyOfItsInterfaces) {
  auto fd = *host_->sockets().socket(socket::kAfInet, socket::kSockDgram);
  ASSERT_TRUE(host_->sockets().bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 2222}).ok());
  auto out = nic0_.inject(to_far(64, 0, 10, kOurIp1).bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Udp);
  EXPECT_EQ(out.verdict, Verdict::Deliver);
  EXPECT_EQ(counter("ipv4.forwarded"), 0u);
}

class Ipv4ForwardingSmallMtu : public Ipv4Forwarding {
 protected:
  Ipv4ForwardingSmallMtu() : Ipv4Forwarding(576) {}
};

TEST_F(Ipv4ForwardingSmallMtu, AnswersDontFragmentAndTooBigWithFragmentationNeeded) {
  const auto in = to_far(64, kDf, 1000);
  auto out = nic0_.inject(in.bytes(), at_ms(1));
  EXPECT_EQ(out.layer, Layer::Ipv4);
  EXPECT_EQ(out.verdict, Verdict::Drop);
  EXPECT_EQ(out.reason, Reason::Ipv4FragmentNeeded);
  EXPECT_EQ(counter("ipv4.drop.fragment_needed"), 1u);
  EXPECT_EQ(nic1_.pending(), 0u);

  auto sent = nic0_.take_sent();
  ASSERT_EQ(sent.size(), 1u);
  auto icmp = parse_icmp(sent[0]);
  ASSERT_TRUE(icmp.has_value());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kDestUnreachable);
  EXPECT_EQ(icmp->code(), wire::icmp_code::kFragmentationNeeded);
  // RFC 1191 §4: the next-hop MTU in the low 16 bits of the second word, the high 16 bits zero.
  EXPECT_EQ(icmp->next_hop_mtu(), 576);
  EXPECT_EQ(core::load_be16(icmp->bytes().data() + 4), 0);
  EXPECT_TRUE(icmp->checksum_ok());
  expect_quotes(*icmp, in.l3_bytes());
}

TEST_F(Ipv4ForwardingSmallMtu, ForwardsDontFragmentDatagramsThatFit) {
  nic0_.inject(to_far(64, kDf, 576 - 28).bytes(), at_ms(1));
  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  auto sent = filter(nic1_.take_sent(), [](const Frame& f) { return parse_ipv4(f).has_value(); });
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(parse_ipv4(sent[0])->total_length(), 576);
  EXPECT_TRUE(parse_ipv4(sent[0])->dont_fragment());
  EXPECT_EQ(nic0_.pending(), 0u);
}

TEST_F(Ipv4ForwardingSmallMtu, FragmentsWhatMayBeFragmented) {
  const auto in = to_far(64, 0, 1000);
  nic0_.inject(in.bytes(), at_ms(1));
  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  auto sent = filter(nic1_.take_sent(), [](const Frame& f) { return parse_ipv4(f).has_value(); });
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& f : sent) {
    auto v = parse_ipv4(f);
    EXPECT_LE(v->total_length(), 576);
    EXPECT_EQ(v->ttl(), 63);
    EXPECT_EQ(v->ident(), 0x5555);
    EXPECT_TRUE(v->checksum_ok());
  }
  auto whole = reassemble_payload(sent);
  ASSERT_TRUE(whole.has_value());
  const Frame l3 = in.l3_bytes();
  auto orig = wire::Ipv4View::parse(view(l3));
  ASSERT_TRUE(orig.ok());
  EXPECT_TRUE(std::equal(whole->begin(), whole->end(), orig->payload().begin(), orig->payload().end()));
}

TEST_F(Ipv4ForwardingSmallMtu, RefragmentsAFragmentKeepingItsOffsetAndMoreFragments) {
  // The first half of a 2000-byte datagram, already a fragment (MF set), is too big for eth1.
  auto frags = to_far(64, 0, 2000 - 8).fragments(1000);
  ASSERT_EQ(frags.size(), 2u);
  nic0_.inject(frags[0], at_ms(1));
  answer_on_nic1(kFarIp, kFarMac, at_ms(2));
  auto sent = filter(nic1_.take_sent(), [](const Frame& f) { return parse_ipv4(f).has_value(); });
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(parse_ipv4(sent[0])->frag_offset(), 0);
  EXPECT_TRUE(parse_ipv4(sent[0])->more_fragments());
  EXPECT_EQ(parse_ipv4(sent[1])->frag_offset(), 552 / 8);
  EXPECT_TRUE(parse_ipv4(sent[1])->more_fragments()) << "the original had more to come";
  // And the second half keeps its place after refragmentation.
  nic0_.inject(frags[1], at_ms(3));
  auto second = filter(nic1_.take_sent(), [](const Frame& f) { return parse_ipv4(f).has_value(); });
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(parse_ipv4(second[0])->frag_offset(), 1000 / 8);
  EXPECT_FALSE(parse_ipv4(second[1])->more_fragments());
  sent.insert(sent.end(), second.begin(), second.end());
  EXPECT_TRUE(reassemble_payload(sent).has_value());
}

}  // namespace
