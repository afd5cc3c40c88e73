// SPDX-License-Identifier: MIT
// ICMP "ping sockets" (socket(kAfInet, kSockDgram, kIpprotoIcmp)) on one host with a TestNic, as Linux's
// behave (man 7 icmp, net/ipv4/ping.c): the app writes the echo request, the stack sets identifier and
// checksum; echo replies are demultiplexed to sockets by identifier and read back whole; errno results.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "stack/socket/socket_api.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/sock_result.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace strata::socket {
namespace {

using core::Errno;
using test::at_ms;
using test::error_of;
using test::Frame;
using test::FrameBuilder;
using test::kOurIp;
using test::kOurMac;
using test::kPeerIp;
using test::kPeerMac;
using test::view;

/// An echo request as an app writes it: type 8, code 0, checksum and identifier left for the stack.
Frame echo_request(std::uint16_t seq, const Frame& payload, std::uint16_t id = 0,
                   std::uint16_t checksum = 0) {
  Frame m(wire::kIcmpHeaderLen + payload.size());
  core::store_u8(m.data(), wire::icmp_type::kEchoRequest);
  core::store_u8(m.data() + 1, 0);
  core::store_be16(m.data() + 2, checksum);
  core::store_be16(m.data() + 4, id);
  core::store_be16(m.data() + 6, seq);
  std::copy(payload.begin(), payload.end(), m.begin() + wire::kIcmpHeaderLen);
  return m;
}

class PingSocket : public ::testing::Test {
 protected:
  explicit PingSocket(HostConfig config = {}) : host_(config), nic_(kOurMac) {}
  void SetUp() override {
    nic_.attach(*host_, test::iface("10.0.0.1/24"));
    nic_.take_sent();
    nic_.inject(test::arp_request(kPeerMac, kPeerIp, kOurIp), at_ms(1));  // the peer's MAC is learned
    nic_.take_sent();
  }
  SocketApi& api() { return host_->sockets(); }
  int ping_socket() {
    auto fd = api().socket(kAfInet, kSockDgram, kIpprotoIcmp);
    EXPECT_TRUE(fd) << core::name(error_of(fd));
    return fd ? *fd : -1;
  }
  int bound(std::uint16_t ident, wire::Ipv4Address addr = wire::Ipv4Address::any()) {
    const int fd = ping_socket();
    EXPECT_TRUE(api().bind(fd, SockAddrIn{addr, ident}));
    return fd;
  }
  /// An echo reply from the peer, as the peer's stack would answer.
  Frame reply_frame(std::uint16_t id, std::uint16_t seq, const Frame& payload,
                    wire::Ipv4Address dst = kOurIp) {
    return FrameBuilder()
        .eth(kPeerMac, kOurMac)
        .ipv4(kPeerIp, dst)
        .icmp_echo_reply(id, seq)
        .payload(view(payload))
        .bytes();
  }
  /// The one ICMP message the NIC sent (its datagram must be unfragmented).
  std::optional<wire::Icmpv4View> only_icmp_sent(Frame& keep) {
    auto sent = nic_.take_sent();
    EXPECT_EQ(sent.size(), 1u);
    if (sent.size() != 1) return std::nullopt;
    keep = std::move(sent[0]);
    return test::parse_icmp(keep);
  }
  std::uint64_t counter(std::string_view name) const { return host_.host().counters().get(name); }

  test::TestHost host_;
  test::TestNic nic_;
};

// ---- socket() ----

TEST_F(PingSocket, SocketWithIcmpProtocolIsAPingSocket) {
  const int fd = ping_socket();
  EXPECT_GE(fd, 0);
  EXPECT_EQ(api().open_sockets(), 1u);
  EXPECT_EQ(*api().poll(fd), kPollOut);
  // No identifier before bind or the first send.
  auto name = api().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->port, 0);
}

TEST_F(PingSocket, ProtocolConstantsAreLinuxs) {
  EXPECT_EQ(kIpprotoIcmp, 1);
  EXPECT_EQ(kIpprotoUdp, 17);
  EXPECT_TRUE(api().socket(kAfInet, kSockDgram, kIpprotoUdp));
  EXPECT_EQ(error_of(api().socket(kAfInet, kSockDgram, 6)), Errno::EPROTONOSUPPORT_);
}

// ---- sending ----

TEST_F(PingSocket, SendSetsTheIdentifierAndChecksumAndKeepsSequenceAndPayload) {
  const int fd = bound(0x4242);
  const Frame payload = test::pattern(56, 0x10);
  const Frame msg = echo_request(7, payload, /*id=*/0xdead, /*checksum=*/0xbeef);
  auto n = api().sendto(fd, view(msg), SockAddrIn{kPeerIp, 0});
  ASSERT_TRUE(n) << core::name(error_of(n));
  EXPECT_EQ(*n, msg.size());

  Frame sent;
  auto icmp = only_icmp_sent(sent);
  ASSERT_TRUE(icmp);
  auto ip = test::parse_ipv4(sent);
  EXPECT_EQ(test::parse_eth(sent)->dst(), kPeerMac);
  EXPECT_EQ(ip->src(), kOurIp);
  EXPECT_EQ(ip->dst(), kPeerIp);
  EXPECT_EQ(ip->protocol(), wire::ip_proto::kIcmp);
  EXPECT_EQ(ip->ttl(), 64);
  EXPECT_TRUE(ip->checksum_ok());
  EXPECT_EQ(icmp->type(), wire::icmp_type::kEchoRequest);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_EQ(icmp->echo_id(), 0x4242);
  EXPECT_EQ(icmp->echo_seq(), 7);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_TRUE(std::ranges::equal(icmp->body(), payload));
  // Byte for byte what a builder makes of the same identifier, sequence and payload.
  const Frame expected = FrameBuilder().icmp_echo_request(0x4242, 7).payload(view(payload)).l4_bytes();
  EXPECT_TRUE(std::ranges::equal(icmp->bytes(), expected));
  EXPECT_EQ(counter("icmp.tx"), 1u);
}

TEST_F(PingSocket, AnUnboundSocketGetsAnIdentifierAtItsFirstSendAndKeepsIt) {
  const int fd = ping_socket();
  ASSERT_TRUE(api().sendto(fd, view(echo_request(1, test::pattern(8))), SockAddrIn{kPeerIp, 0}));
  auto name = api().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_GE(name->port, 49152);  // from the dynamic range, like an ephemeral port
  Frame first, second;
  auto a = only_icmp_sent(first);
  ASSERT_TRUE(api().sendto(fd, view(echo_request(2, test::pattern(8))), SockAddrIn{kPeerIp, 0}));
  auto b = only_icmp_sent(second);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->echo_id(), name->port);
  EXPECT_EQ(b->echo_id(), name->port);
  EXPECT_EQ(b->echo_seq(), 2);
}

TEST_F(PingSocket, BindWithIdentifierZeroPicksOne) {
  const int fd = bound(0);
  auto name = api().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_NE(name->port, 0);
}

TEST_F(PingSocket, TheDestinationPortIsIgnored) {
  const int fd = bound(0x1111);
  ASSERT_TRUE(api().sendto(fd, view(echo_request(1, {})), SockAddrIn{kPeerIp, 4321}));
  Frame sent;
  auto icmp = only_icmp_sent(sent);
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->echo_id(), 0x1111);
  EXPECT_TRUE(icmp->body().empty());
}

TEST_F(PingSocket, AMessageShorterThanTheIcmpHeaderIsEinval) {
  const int fd = bound(5);
  const Frame msg = echo_request(1, {});
  for (std::size_t n : {0u, 1u, 7u})
    EXPECT_EQ(error_of(api().sendto(fd, core::Bytes(msg.data(), n), SockAddrIn{kPeerIp, 0})), Errno::EINVAL_)
        << n;
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(PingSocket, AMessageThatIsNotAnEchoRequestIsEinval) {
  const int fd = bound(5);
  for (std::uint8_t type :
       {wire::icmp_type::kEchoReply, wire::icmp_type::kDestUnreachable, std::uint8_t{13}}) {
    Frame msg = echo_request(1, test::pattern(4));
    core::store_u8(msg.data(), type);
    EXPECT_EQ(error_of(api().sendto(fd, view(msg), SockAddrIn{kPeerIp, 0})), Errno::EINVAL_) << int(type);
  }
  Frame coded = echo_request(1, test::pattern(4));
  core::store_u8(coded.data() + 1, 1);  // Linux insists on code 0 too
  EXPECT_EQ(error_of(api().sendto(fd, view(coded), SockAddrIn{kPeerIp, 0})), Errno::EINVAL_);
  EXPECT_EQ(nic_.pending(), 0u);
}

TEST_F(PingSocket, AMessageLargerThanOneDatagramCarriesIsEmsgsize) {
  const int fd = bound(5);
  const Frame too_big = echo_request(1, test::pattern(65515 - 8 + 1));
  EXPECT_EQ(error_of(api().sendto(fd, view(too_big), SockAddrIn{kPeerIp, 0})), Errno::EMSGSIZE_);
  EXPECT_EQ(nic_.pending(), 0u);
  // The largest that fits goes out, fragmented.
  const Frame largest = echo_request(2, test::pattern(65515 - 8));
  auto n = api().sendto(fd, view(largest), SockAddrIn{kPeerIp, 0});
  ASSERT_TRUE(n) << core::name(error_of(n));
  EXPECT_EQ(*n, 65515u);
  const auto sent = nic_.take_sent();
  EXPECT_EQ(sent.size(), 45u);  // ceil(65515 / 1480)
  auto whole = test::reassemble_payload(sent);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->size(), 65515u);
  auto icmp = wire::Icmpv4View::parse(view(*whole));
  ASSERT_TRUE(icmp);
  EXPECT_TRUE(icmp->checksum_ok());
}

TEST_F(PingSocket, SendWithoutADestinationIsEdestaddrreqUntilConnected) {
  const int fd = bound(9);
  const Frame msg = echo_request(3, test::pattern(16));
  EXPECT_EQ(error_of(api().send(fd, view(msg))), Errno::EDESTADDRREQ_);
  ASSERT_TRUE(api().connect(fd, SockAddrIn{kPeerIp, 0}));
  ASSERT_TRUE(api().send(fd, view(msg)));
  Frame sent;
  ASSERT_TRUE(only_icmp_sent(sent));
  EXPECT_EQ(test::parse_ipv4(sent)->dst(), kPeerIp);
}

TEST_F(PingSocket, SendWithoutARouteIsEnetunreach) {
  const int fd = bound(9);
  EXPECT_EQ(error_of(api().sendto(fd, view(echo_request(1, {})), SockAddrIn{test::ip("192.168.9.9"), 0})),
            Errno::ENETUNREACH_);
}

// ---- bind and close ----

TEST_F(PingSocket, BindErrorsAreLinuxs) {
  const int fd = bound(77);
  EXPECT_EQ(error_of(api().bind(fd, SockAddrIn{wire::Ipv4Address::any(), 78})), Errno::EINVAL_);  // bound
  const int other = ping_socket();
  EXPECT_EQ(error_of(api().bind(other, SockAddrIn{wire::Ipv4Address::any(), 77})), Errno::EADDRINUSE_);
  EXPECT_EQ(error_of(api().bind(other, SockAddrIn{test::ip("10.0.0.99"), 78})), Errno::EADDRNOTAVAIL_);
  EXPECT_TRUE(api().bind(other, SockAddrIn{kOurIp, 78}));
  EXPECT_EQ(*api().getsockname(other), (SockAddrIn{kOurIp, 78}));
}

TEST_F(PingSocket, IdentifiersAreAPortSpaceOfTheirOwn) {
  // UDP port 7 and ping identifier 7 do not collide (as on Linux).
  const int udp = *api().socket(kAfInet, kSockDgram);
  ASSERT_TRUE(api().bind(udp, SockAddrIn{wire::Ipv4Address::any(), 7}));
  EXPECT_TRUE(api().bind(ping_socket(), SockAddrIn{wire::Ipv4Address::any(), 7}));
}

TEST_F(PingSocket, CloseFreesTheIdentifier) {
  const int fd = bound(500);
  ASSERT_TRUE(api().close(fd));
  EXPECT_EQ(api().open_sockets(), 0u);
  EXPECT_EQ(error_of(api().poll(fd)), Errno::EBADF_);
  // Replies for the old identifier now go where unclaimed replies go.
  nic_.inject(reply_frame(500, 1, test::pattern(8)), at_ms(2));
  EXPECT_TRUE(host_->icmp().pop_echo_reply());
  const int again = bound(500);
  nic_.inject(reply_frame(500, 2, test::pattern(8)), at_ms(3));
  std::vector<std::byte> buf(64);
  EXPECT_EQ(*api().recv(again, buf), 16u);
}

// ---- receiving ----

TEST_F(PingSocket, AnEchoReplyWithItsIdentifierIsQueuedAndReadBackWhole) {
  const int fd = bound(0x0abc);
  const Frame payload = test::pattern(56, 0x33);
  const Frame frame = reply_frame(0x0abc, 9, payload);
  const auto out = nic_.inject(frame, at_ms(5));
  EXPECT_EQ(out.verdict, core::Verdict::Deliver);
  EXPECT_EQ(out.layer, core::Layer::Icmp);
  EXPECT_EQ(*api().poll(fd), kPollIn | kPollOut);

  std::vector<std::byte> buf(2048);
  SockAddrIn from{};
  auto n = api().recvfrom(fd, buf, &from);
  ASSERT_TRUE(n) << core::name(error_of(n));
  EXPECT_EQ(*n, 8 + payload.size());
  EXPECT_EQ(from, (SockAddrIn{kPeerIp, 0}));
  // The ICMP message as it came: header (type 0, the socket's identifier, the sequence, checksum) + payload.
  const Frame expected = FrameBuilder().icmp_echo_reply(0x0abc, 9).payload(view(payload)).l4_bytes();
  EXPECT_TRUE(std::ranges::equal(core::Bytes(buf.data(), *n), expected));
  EXPECT_EQ(*api().poll(fd), kPollOut);
  EXPECT_EQ(error_of(api().recv(fd, buf)), Errno::EAGAIN_);
  // Claimed by the socket: not also kept in Icmp's queue; still counted as an echo reply.
  EXPECT_FALSE(host_->icmp().pop_echo_reply());
  EXPECT_EQ(counter("icmp.echo_reply_rx"), 1u);
  EXPECT_EQ(host_->ping().delivered(), 1u);
}

TEST_F(PingSocket, RepliesAreDemultiplexedByIdentifier) {
  const int a = bound(100), b = bound(200);
  nic_.inject(reply_frame(200, 1, test::to_bytes("for b")), at_ms(5));
  nic_.inject(reply_frame(100, 2, test::to_bytes("for a")), at_ms(5));
  nic_.inject(reply_frame(300, 3, test::to_bytes("nobody")), at_ms(5));
  std::vector<std::byte> buf(64);
  auto na = api().recv(a, buf);
  ASSERT_TRUE(na);
  EXPECT_EQ(core::load_be16(buf, 6), 2);
  auto nb = api().recv(b, buf);
  ASSERT_TRUE(nb);
  EXPECT_EQ(core::load_be16(buf, 6), 1);
  EXPECT_EQ(error_of(api().recv(a, buf)), Errno::EAGAIN_);
  EXPECT_EQ(error_of(api().recv(b, buf)), Errno::EAGAIN_);
  // The one no socket claimed is handled as before ping sockets: kept for pop_echo_reply.
  auto left = host_->icmp().pop_echo_reply();
  ASSERT_TRUE(left);
  EXPECT_EQ(left->id, 300);
  EXPECT_EQ(left->seq, 3);
}

TEST_F(PingSocket, ASocketBoundToAnAddressTakesOnlyRepliesToIt) {
  const int fd = bound(42, kOurIp);
  nic_.inject(reply_frame(42, 1, {}, test::ip("10.0.0.255")), at_ms(5));  // subnet broadcast
  std::vector<std::byte> buf(64);
  EXPECT_EQ(error_of(api().recv(fd, buf)), Errno::EAGAIN_);
  EXPECT_TRUE(host_->icmp().pop_echo_reply());
  nic_.inject(reply_frame(42, 2, {}), at_ms(5));
  EXPECT_EQ(*api().recv(fd, buf), 8u);
}

TEST_F(PingSocket, AReplyWithABadChecksumNeverReachesTheSocket) {
  const int fd = bound(42);
  const auto frame = FrameBuilder()
                         .eth(kPeerMac, kOurMac)
                         .ipv4(kPeerIp, kOurIp)
                         .icmp_echo_reply(42, 1)
                         .payload("x")
                         .icmp_bad_checksum()
                         .bytes();
  EXPECT_EQ(nic_.inject(frame, at_ms(5)).verdict, core::Verdict::Drop);
  std::vector<std::byte> buf(64);
  EXPECT_EQ(error_of(api().recv(fd, buf)), Errno::EAGAIN_);
}

TEST_F(PingSocket, AShortBufferGetsTheFrontOfTheMessage) {
  const int fd = bound(42);
  nic_.inject(reply_frame(42, 1, test::pattern(100)), at_ms(5));
  std::vector<std::byte> buf(10);
  auto n = api().recv(fd, buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 10u);  // the rest is discarded, as recv(2) without MSG_TRUNC
  EXPECT_EQ(error_of(api().recv(fd, buf)), Errno::EAGAIN_);
}

TEST_F(PingSocket, RepliesThatArriveFragmentedAreReadWhole) {
  const int fd = bound(7);
  const Frame payload = test::pattern(3000, 1);
  const auto frags = FrameBuilder()
                         .eth(kPeerMac, kOurMac)
                         .ipv4(kPeerIp, kOurIp, test::kAutoProto, 64, 0x99)
                         .icmp_echo_reply(7, 1)
                         .payload(view(payload))
                         .fragments(1480);
  ASSERT_EQ(frags.size(), 3u);
  for (const auto& f : frags) nic_.inject(f, at_ms(5));
  std::vector<std::byte> buf(4096);
  auto n = api().recv(fd, buf);
  ASSERT_TRUE(n) << core::name(error_of(n));
  EXPECT_EQ(*n, 3008u);
  EXPECT_TRUE(std::ranges::equal(core::Bytes(buf.data() + 8, 3000), payload));
}

class SmallPingQueue : public PingSocket {
 protected:
  static HostConfig config() {
    HostConfig c;
    c.icmp.ping.queue_messages = 4;
    return c;
  }
  SmallPingQueue() : PingSocket(config()) {}
};

TEST_F(SmallPingQueue, AFullQueueDropsAndCountsTheReply) {
  const int fd = bound(42);
  for (std::uint16_t seq = 0; seq < 6; ++seq) nic_.inject(reply_frame(42, seq, test::pattern(8)), at_ms(5));
  EXPECT_EQ(host_->ping().delivered(), 4u);
  EXPECT_EQ(host_->ping().dropped(), 2u);
  EXPECT_EQ(host_->counters().get("icmp.drop.queue_full"), 2u);  // counted and named at the one drop site
  EXPECT_FALSE(host_->icmp().pop_echo_reply());  // a full socket queue does not hand replies elsewhere
  std::vector<std::byte> buf(64);
  for (std::uint16_t seq = 0; seq < 4; ++seq) {
    ASSERT_TRUE(api().recv(fd, buf));
    EXPECT_EQ(core::load_be16(buf, 6), seq);  // the oldest kept
  }
  EXPECT_EQ(error_of(api().recv(fd, buf)), Errno::EAGAIN_);
}

// ---- ICMP errors about our echo requests ----

TEST_F(PingSocket, AConnectedSocketSeesAHardErrorAboutItsRequestOnce) {
  const int fd = bound(0x5151);
  ASSERT_TRUE(api().connect(fd, SockAddrIn{kPeerIp, 0}));
  ASSERT_TRUE(api().send(fd, view(echo_request(1, test::pattern(8)))));
  Frame sent;
  ASSERT_TRUE(only_icmp_sent(sent));
  // Host unreachable from the peer's router, quoting our datagram's header and 8 bytes of it (RFC 792).
  const auto ip = test::parse_ipv4(sent);
  const core::Bytes quote = test::l3_of(sent).first(ip->header_len() + 8);
  const auto error = FrameBuilder()
                         .eth(kPeerMac, kOurMac)
                         .ipv4(kPeerIp, kOurIp)
                         .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kHostUnreachable)
                         .payload(quote)
                         .bytes();
  nic_.inject(error, at_ms(5));
  EXPECT_EQ(*api().poll(fd), kPollOut | kPollErr);
  EXPECT_EQ(error_of(api().send(fd, view(echo_request(2, {})))), Errno::EHOSTUNREACH_);
  EXPECT_EQ(*api().poll(fd), kPollOut);
  EXPECT_TRUE(api().send(fd, view(echo_request(3, {}))));
}

TEST_F(PingSocket, AnUnconnectedSocketIgnoresErrorsAsLinuxDoesWithoutRecverr) {
  const int fd = bound(0x5151);
  ASSERT_TRUE(api().sendto(fd, view(echo_request(1, test::pattern(8))), SockAddrIn{kPeerIp, 0}));
  Frame sent;
  ASSERT_TRUE(only_icmp_sent(sent));
  const auto ip = test::parse_ipv4(sent);
  const auto error = FrameBuilder()
                         .eth(kPeerMac, kOurMac)
                         .ipv4(kPeerIp, kOurIp)
                         .icmp(wire::icmp_type::kDestUnreachable, wire::icmp_code::kHostUnreachable)
                         .payload(test::l3_of(sent).first(ip->header_len() + 8))
                         .bytes();
  nic_.inject(error, at_ms(5));
  EXPECT_EQ(*api().poll(fd), kPollOut);
}

}  // namespace
}  // namespace strata::socket
