// SPDX-License-Identifier: MIT
// Ping sockets across two hosts on one wire (HostPair): A's app pings B through socket(kAfInet, kSockDgram,
// kIpprotoIcmp), B's stack answers, A's socket reads the reply. ARP first, identifier demux between sockets,
// errno cases, and a ping whose request and reply are both fragmented.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"
#include "tests/support/host_pair.hpp"
#include "tests/support/sock_result.hpp"

namespace strata {
namespace {

using core::Errno;
using socket::kAfInet;
using socket::kIpprotoIcmp;
using socket::kPollIn;
using socket::kSockDgram;
using socket::SockAddrIn;
using socket::SocketApi;
using test::error_of;
using test::HostPair;
using test::ipv4_of;
using test::kT0;
using test::quiet;
using namespace std::chrono_literals;

std::vector<std::byte> pattern(std::size_t n, std::uint8_t seed = 0) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::byte(static_cast<std::uint8_t>(seed + i * 7 + (i >> 8)));
  return v;
}

/// An echo request as an app writes it: type 8, code 0, checksum and identifier zero, the app's sequence.
std::vector<std::byte> echo_request(std::uint16_t seq, const std::vector<std::byte>& payload) {
  std::vector<std::byte> m(wire::kIcmpHeaderLen + payload.size());
  core::store_u8(m.data(), wire::icmp_type::kEchoRequest);
  core::store_be16(m.data() + 6, seq);
  std::copy(payload.begin(), payload.end(), m.begin() + wire::kIcmpHeaderLen);
  return m;
}

/// One received ICMP message and who sent it.
struct Received {
  std::vector<std::byte> message;
  SockAddrIn from;
};
std::optional<Received> receive(SocketApi& s, int fd) {
  std::vector<std::byte> buf(70'000);
  SockAddrIn from{};
  auto n = s.recvfrom(fd, buf, &from);
  if (!n) return std::nullopt;
  buf.resize(*n);
  return Received{std::move(buf), from};
}

int ping_socket(SocketApi& s) {
  auto fd = s.socket(kAfInet, kSockDgram, kIpprotoIcmp);
  EXPECT_TRUE(fd);
  return fd ? *fd : -1;
}

TEST(PingSocketAcrossTwoHosts, ArpResolvesThenTheReplyReachesTheSocket) {
  HostPair pair(quiet());
  SocketApi& a = pair.a().sockets();
  const int fd = ping_socket(a);
  const auto payload = pattern(56, 1);
  const auto request = echo_request(1, payload);
  auto sent = a.sendto(fd, request, SockAddrIn{HostPair::kAddrB, 0});
  ASSERT_TRUE(sent) << core::name(error_of(sent));
  EXPECT_EQ(*sent, 64u);
  // The request waits on ARP: a broadcast request is out, the echo request held.
  EXPECT_EQ(pair.a().arp().pending(), 1u);
  EXPECT_EQ(pair.nic_a().pending(), 1u);
  EXPECT_EQ(*a.poll(fd) & kPollIn, 0);

  EXPECT_EQ(pair.pump(kT0), 4u);  // ARP request, ARP reply, echo request, echo reply
  EXPECT_NE(*a.poll(fd) & kPollIn, 0);
  auto reply = receive(a, fd);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->from, (SockAddrIn{HostPair::kAddrB, 0}));
  ASSERT_EQ(reply->message.size(), 64u);
  auto icmp = wire::Icmpv4View::parse(core::Bytes(reply->message));
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->type(), wire::icmp_type::kEchoReply);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->echo_id(), a.getsockname(fd)->port);
  EXPECT_EQ(icmp->echo_seq(), 1);
  EXPECT_TRUE(std::ranges::equal(icmp->body(), payload));
  EXPECT_FALSE(receive(a, fd));

  // What crossed the wire: the request carried the socket's identifier, B answered it.
  std::size_t requests = 0;
  for (const auto& f : pair.frames()) {
    auto ip = ipv4_of(f);
    if (!ip || ip->protocol() != wire::ip_proto::kIcmp) continue;
    auto m = wire::Icmpv4View::parse(ip->payload());
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->checksum_ok());
    EXPECT_EQ(m->echo_id(), a.getsockname(fd)->port);
    if (f.from == 'a') {
      ++requests;
      EXPECT_EQ(ip->src(), HostPair::kAddrA);
      EXPECT_EQ(ip->dst(), HostPair::kAddrB);
      EXPECT_EQ(m->type(), wire::icmp_type::kEchoRequest);
    }
  }
  EXPECT_EQ(requests, 1u);
  EXPECT_EQ(pair.a().counters().get("arp.request_tx"), 1u);
  EXPECT_EQ(pair.b().counters().get("icmp.echo_request_rx"), 1u);
  EXPECT_EQ(pair.b().counters().get("icmp.echo_reply_tx"), 1u);
  EXPECT_EQ(pair.a().counters().get("icmp.echo_reply_rx"), 1u);
  EXPECT_FALSE(pair.a().icmp().pop_echo_reply());  // the socket took it
}

TEST(PingSocketAcrossTwoHosts, SequencesComeBackInOrderOverManyPings) {
  HostPair pair(quiet());
  SocketApi& a = pair.a().sockets();
  const int fd = ping_socket(a);
  for (std::uint16_t seq = 1; seq <= 10; ++seq) {
    const auto payload = pattern(seq * 10, static_cast<std::uint8_t>(seq));
    ASSERT_TRUE(a.sendto(fd, echo_request(seq, payload), SockAddrIn{HostPair::kAddrB, 0}));
    pair.pump(kT0 + seq * 1s);
    auto reply = receive(a, fd);
    ASSERT_TRUE(reply) << seq;
    EXPECT_EQ(core::load_be16(core::Bytes(reply->message), 6), seq);
    EXPECT_TRUE(std::ranges::equal(core::Bytes(reply->message).subspan(8), payload));
  }
  EXPECT_EQ(pair.b().counters().get("icmp.echo_reply_tx"), 10u);
}

TEST(PingSocketAcrossTwoHosts, TwoSocketsEachGetTheirOwnReplies) {
  HostPair pair(quiet());
  SocketApi& a = pair.a().sockets();
  const int first = ping_socket(a), second = ping_socket(a);
  ASSERT_TRUE(a.bind(first, SockAddrIn{wire::Ipv4Address::any(), 1000}));
  ASSERT_TRUE(a.bind(second, SockAddrIn{wire::Ipv4Address::any(), 2000}));
  ASSERT_TRUE(a.sendto(first, echo_request(11, pattern(8, 0xa0)), SockAddrIn{HostPair::kAddrB, 0}));
  ASSERT_TRUE(a.sendto(second, echo_request(22, pattern(8, 0xb0)), SockAddrIn{HostPair::kAddrB, 0}));
  ASSERT_TRUE(a.sendto(first, echo_request(12, pattern(8, 0xa1)), SockAddrIn{HostPair::kAddrB, 0}));
  pair.pump(kT0);

  std::vector<std::uint16_t> first_seqs, second_seqs;
  while (auto r = receive(a, first)) {
    EXPECT_EQ(core::load_be16(core::Bytes(r->message), 4), 1000);
    first_seqs.push_back(core::load_be16(core::Bytes(r->message), 6));
  }
  while (auto r = receive(a, second)) {
    EXPECT_EQ(core::load_be16(core::Bytes(r->message), 4), 2000);
    second_seqs.push_back(core::load_be16(core::Bytes(r->message), 6));
  }
  EXPECT_EQ(first_seqs, (std::vector<std::uint16_t>{11, 12}));
  EXPECT_EQ(second_seqs, (std::vector<std::uint16_t>{22}));
}

TEST(PingSocketAcrossTwoHosts, BothHostsPingEachOtherThroughSockets) {
  HostPair pair(quiet());
  const int fa = ping_socket(pair.a().sockets()), fb = ping_socket(pair.b().sockets());
  ASSERT_TRUE(pair.a().sockets().sendto(fa, echo_request(1, pattern(20)), SockAddrIn{HostPair::kAddrB, 0}));
  ASSERT_TRUE(pair.b().sockets().sendto(fb, echo_request(2, pattern(30)), SockAddrIn{HostPair::kAddrA, 0}));
  pair.pump(kT0);
  auto ra = receive(pair.a().sockets(), fa);
  auto rb = receive(pair.b().sockets(), fb);
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->from.addr, HostPair::kAddrB);
  EXPECT_EQ(rb->from.addr, HostPair::kAddrA);
  EXPECT_EQ(ra->message.size(), 28u);
  EXPECT_EQ(rb->message.size(), 38u);
}

TEST(PingSocketAcrossTwoHosts, OldStyleEchoRequestsStillGoToTheIcmpQueue) {
  // Icmp::send_echo_request's replies carry an identifier no socket owns: they stay where they always went.
  HostPair pair(quiet());
  const int fd = ping_socket(pair.a().sockets());
  ASSERT_TRUE(pair.a().sockets().bind(fd, SockAddrIn{wire::Ipv4Address::any(), 0x4000}));
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 0x1234, 5, 16, kT0));
  pair.pump(kT0);
  auto old = pair.a().icmp().pop_echo_reply();
  ASSERT_TRUE(old);
  EXPECT_EQ(old->id, 0x1234);
  EXPECT_EQ(old->seq, 5);
  EXPECT_FALSE(receive(pair.a().sockets(), fd));
}

TEST(PingSocketAcrossTwoHosts, BadMessagesAreRefusedAndNothingIsSent) {
  HostPair pair(quiet());
  SocketApi& a = pair.a().sockets();
  const int fd = ping_socket(a);
  const SockAddrIn b{HostPair::kAddrB, 0};
  const auto ok = echo_request(1, pattern(8));
  EXPECT_EQ(error_of(a.sendto(fd, core::Bytes(ok).first(7), b)), Errno::EINVAL_);
  EXPECT_EQ(error_of(a.sendto(fd, core::Bytes{}, b)), Errno::EINVAL_);
  auto reply_type = ok;
  core::store_u8(reply_type.data(), wire::icmp_type::kEchoReply);
  EXPECT_EQ(error_of(a.sendto(fd, reply_type, b)), Errno::EINVAL_);
  EXPECT_EQ(error_of(a.sendto(fd, echo_request(1, pattern(65508)), b)), Errno::EMSGSIZE_);
  EXPECT_EQ(error_of(a.send(fd, ok)), Errno::EDESTADDRREQ_);
  EXPECT_EQ(pair.nic_a().pending(), 0u);
  EXPECT_EQ(pair.pump(kT0), 0u);
}

TEST(PingSocketAcrossTwoHosts, AFragmentedPingWorks) {
  HostPair pair(quiet());  // MTU 1500 on both sides
  SocketApi& a = pair.a().sockets();
  const int fd = ping_socket(a);
  const auto payload = pattern(3000, 9);
  auto sent = a.sendto(fd, echo_request(77, payload), SockAddrIn{HostPair::kAddrB, 0});
  ASSERT_TRUE(sent) << core::name(error_of(sent));
  EXPECT_EQ(*sent, 3008u);
  pair.pump(kT0);

  auto reply = receive(a, fd);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->from.addr, HostPair::kAddrB);
  ASSERT_EQ(reply->message.size(), 3008u);
  auto icmp = wire::Icmpv4View::parse(core::Bytes(reply->message));
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->type(), wire::icmp_type::kEchoReply);
  EXPECT_TRUE(icmp->checksum_ok());
  EXPECT_EQ(icmp->echo_seq(), 77);
  EXPECT_TRUE(std::ranges::equal(icmp->body(), payload));

  // 3008 bytes of ICMP in 1480-byte pieces: three fragments each way, reassembled on both sides.
  std::size_t fragments_a = 0, fragments_b = 0;
  for (const auto& f : pair.frames()) {
    auto ip = ipv4_of(f);
    if (!ip || ip->protocol() != wire::ip_proto::kIcmp) continue;
    EXPECT_TRUE(ip->is_fragment());
    EXPECT_LE(ip->total_length(), 1500);
    ++(f.from == 'a' ? fragments_a : fragments_b);
  }
  EXPECT_EQ(fragments_a, 3u);
  EXPECT_EQ(fragments_b, 3u);
  EXPECT_EQ(pair.a().counters().get("ipv4.reassembled"), 1u);
  EXPECT_EQ(pair.b().counters().get("ipv4.reassembled"), 1u);
}

TEST(PingSocketAcrossTwoHosts, ClosingTheSocketFreesItsIdentifier) {
  HostPair pair(quiet());
  SocketApi& a = pair.a().sockets();
  const int fd = ping_socket(a);
  ASSERT_TRUE(a.bind(fd, SockAddrIn{wire::Ipv4Address::any(), 4242}));
  ASSERT_TRUE(a.sendto(fd, echo_request(1, pattern(8)), SockAddrIn{HostPair::kAddrB, 0}));
  ASSERT_TRUE(a.close(fd));
  pair.pump(kT0);
  // The reply for the closed socket's identifier is handled as an unclaimed one.
  EXPECT_TRUE(pair.a().icmp().pop_echo_reply());
  const int again = ping_socket(a);
  EXPECT_TRUE(a.bind(again, SockAddrIn{wire::Ipv4Address::any(), 4242}));
}

}  // namespace
}  // namespace strata
