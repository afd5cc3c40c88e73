// SPDX-License-Identifier: MIT
// Two hosts on one wire (HostPair): ARP, ping, UDP through sockets, ICMP errors, fragmentation, determinism.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "stack/wire/ethernet.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/udp.hpp"
#include "tests/support/bytes.hpp"
#include "tests/support/host_pair.hpp"

namespace strata {
namespace {

using core::Errno;
using socket::kAfInet;
using socket::kSockDgram;
using socket::SockAddrIn;
using test::bytes_of;
using test::HostPair;
using test::ipv4_of;
using test::kT0;
using test::quiet;
using namespace std::chrono_literals;

constexpr std::uint16_t kEchoPort = 7;

std::vector<std::byte> udp_payload(std::size_t n, std::uint8_t seed = 0) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::byte(static_cast<std::uint8_t>(seed + i * 13 + (i >> 8)));
  return v;
}

std::optional<wire::MacAddress> cached(Host& h, wire::Ipv4Address ip) {
  for (const auto& e : h.arp().cache().entries())
    if (e.ip == ip) return e.mac;
  return std::nullopt;
}

// ---- ARP and ping ----

TEST(TwoHosts, ArpResolvesThenPingIsAnswered) {
  HostPair pair(quiet());
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 0x1234, 1, 56, kT0));
  // Waiting on ARP: one broadcast request out, the echo request held.
  EXPECT_EQ(pair.a().arp().pending(), 1u);
  EXPECT_EQ(pair.nic_a().pending(), 1u);
  EXPECT_EQ(pair.pump(kT0), 4u);  // ARP request, ARP reply, echo request, echo reply

  auto reply = pair.a().icmp().pop_echo_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->from, HostPair::kAddrB);
  EXPECT_EQ(reply->id, 0x1234);
  EXPECT_EQ(reply->seq, 1);
  EXPECT_EQ(reply->data_len, 56u);
  EXPECT_EQ(reply->ttl, 64);
  EXPECT_FALSE(pair.a().icmp().pop_echo_reply());

  const auto& ca = pair.a().counters();
  const auto& cb = pair.b().counters();
  EXPECT_EQ(ca.get("arp.request_tx"), 1u);
  EXPECT_EQ(ca.get("arp.queued"), 1u);
  EXPECT_EQ(ca.get("arp.reply_rx"), 1u);
  EXPECT_EQ(ca.get("arp.reply_tx"), 0u);
  EXPECT_EQ(ca.get("icmp.echo_reply_rx"), 1u);
  EXPECT_EQ(cb.get("arp.request_rx"), 1u);
  EXPECT_EQ(cb.get("arp.reply_tx"), 1u);
  EXPECT_EQ(cb.get("arp.request_tx"), 0u) << "B learned A from its request";
  EXPECT_EQ(cb.get("icmp.echo_request_rx"), 1u);
  EXPECT_EQ(cb.get("icmp.echo_reply_tx"), 1u);
  EXPECT_EQ(pair.a().arp().pending(), 0u);

  EXPECT_EQ(cached(pair.a(), HostPair::kAddrB), HostPair::kMacB);
  EXPECT_EQ(cached(pair.b(), HostPair::kAddrA), HostPair::kMacA);
  EXPECT_EQ(pair.a().arp().cache().entries().size(), 1u);
  EXPECT_EQ(pair.b().arp().cache().entries().size(), 1u);

  // The second ping needs no ARP.
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 0x1234, 2, 0, kT0 + 1s));
  EXPECT_EQ(pair.pump(kT0 + 1s), 2u);
  reply = pair.a().icmp().pop_echo_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->seq, 2);
  EXPECT_EQ(reply->data_len, 0u);
  EXPECT_EQ(ca.get("arp.request_tx"), 1u);
}

TEST(TwoHosts, PingBothWays) {
  HostPair pair(quiet());
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 1, 1, 8, kT0));
  ASSERT_TRUE(pair.b().icmp().send_echo_request(HostPair::kAddrA, 2, 1, 8, kT0));
  pair.pump(kT0);
  auto ra = pair.a().icmp().pop_echo_reply();
  auto rb = pair.b().icmp().pop_echo_reply();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->id, 1);
  EXPECT_EQ(rb->id, 2);
}

TEST(TwoHosts, LinkDelayAddsUpOverTheExchange) {
  auto o = quiet();
  o.delay = 5ms;
  HostPair pair(o);
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 1, 1, 8, kT0));
  pair.pump(kT0);
  auto r = pair.a().icmp().pop_echo_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at, kT0 + 4 * 5ms);  // ARP request, ARP reply, echo request, echo reply
}

TEST(TwoHosts, GratuitousAnnouncementsAreSeenButNotLearned) {
  HostPair pair;  // announce = true
  EXPECT_EQ(pair.pump(kT0), 2u);
  for (Host* h : {&pair.a(), &pair.b()}) {
    SCOPED_TRACE(h->name());
    EXPECT_EQ(h->counters().get("arp.gratuitous_tx"), 1u);
    EXPECT_EQ(h->counters().get("arp.request_rx"), 1u);
    EXPECT_EQ(h->counters().get("arp.reply_tx"), 0u);
    // RFC 826: an announcement only refreshes an entry that exists (as Linux with arp_accept=0).
    EXPECT_TRUE(h->arp().cache().entries().empty());
  }
}

TEST(TwoHosts, AnnouncementRefreshesAnExistingEntry) {
  HostPair pair(quiet());
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 1, 1, 0, kT0));
  pair.pump(kT0);
  const auto before = pair.a().arp().cache().entries().at(0).expires;
  pair.advance_to(kT0 + 30s);
  pair.b().set_address(pair.nic_id_b(), wire::Ipv4Cidr{HostPair::kAddrB, 24}, true);
  pair.pump();
  ASSERT_EQ(pair.a().arp().cache().entries().size(), 1u);
  EXPECT_EQ(pair.a().arp().cache().entries()[0].expires, before + 30s);
}

TEST(TwoHosts, ArpRetriesThenGivesUpOnAnAbsentHost) {
  HostPair pair(quiet());
  const auto absent = wire::Ipv4Address::from_octets(10, 0, 0, 3);
  ASSERT_TRUE(pair.a().icmp().send_echo_request(absent, 1, 1, 8, kT0));
  pair.run_until(kT0 + 10s);
  const auto& ca = pair.a().counters();
  EXPECT_EQ(ca.get("arp.request_tx"), 3u);  // ArpConfig::max_requests
  EXPECT_EQ(ca.get("arp.retry"), 2u);
  EXPECT_EQ(ca.get("arp.drop.unresolved"), 1u);
  EXPECT_EQ(pair.a().arp().pending(), 0u);
  EXPECT_FALSE(pair.a().next_deadline().has_value());
  EXPECT_EQ(pair.b().counters().get("arp.request_rx"), 3u);
  EXPECT_EQ(pair.b().counters().get("arp.reply_tx"), 0u);
}

TEST(TwoHosts, ArpEntriesExpire) {
  HostPair pair(quiet());
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 1, 1, 0, kT0));
  pair.pump(kT0);
  ASSERT_EQ(pair.a().arp().cache().entries().size(), 1u);
  pair.run_until(kT0 + 61s);
  EXPECT_TRUE(pair.a().arp().cache().entries().empty());
  EXPECT_EQ(pair.a().counters().get("arp.expired"), 1u);
  // The next ping resolves again.
  ASSERT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 1, 2, 0, pair.now()));
  pair.pump();
  EXPECT_EQ(pair.a().counters().get("arp.request_tx"), 2u);
}

// ---- UDP through sockets ----

/// B echoes every datagram waiting on fd back to its sender; returns how many.
int echo_all(socket::SocketApi& s, int fd) {
  int n = 0;
  std::array<std::byte, 65536> buf{};
  SockAddrIn from;
  for (;;) {
    auto r = s.recvfrom(fd, buf, &from);
    if (!r) return n;
    EXPECT_TRUE(s.sendto(fd, core::Bytes{buf.data(), *r}, from));
    ++n;
  }
}

TEST(TwoHosts, UdpEchoThroughSockets) {
  HostPair pair;
  pair.pump(kT0);
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int server = *sb.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sb.bind(server, SockAddrIn{wire::Ipv4Address::any(), kEchoPort}));
  const int client = *sa.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sa.bind(client, SockAddrIn{wire::Ipv4Address::any(), 0}));
  const auto client_name = *sa.getsockname(client);

  const std::string msg = "the quick brown fox";
  auto n = sa.sendto(client, bytes_of(msg), SockAddrIn{HostPair::kAddrB, kEchoPort});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, msg.size());
  pair.pump(kT0 + 1ms);

  EXPECT_EQ(*sb.poll(server) & socket::kPollIn, socket::kPollIn);
  std::array<std::byte, 256> buf{};
  SockAddrIn from;
  auto got = sb.recvfrom(server, buf, &from);
  ASSERT_TRUE(got);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), *got), msg);
  EXPECT_EQ(from, (SockAddrIn{HostPair::kAddrA, client_name.port}));
  ASSERT_TRUE(sb.sendto(server, core::Bytes{buf.data(), *got}, from));
  pair.pump(kT0 + 2ms);

  SockAddrIn back;
  auto echoed = sa.recvfrom(client, buf, &back);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), *echoed), msg);
  EXPECT_EQ(back, (SockAddrIn{HostPair::kAddrB, kEchoPort}));
  EXPECT_EQ(pair.a().counters().get("udp.delivered"), 1u);
  EXPECT_EQ(pair.b().counters().get("udp.delivered"), 1u);
}

TEST(TwoHosts, ManyUdpDatagramsKeepTheirOrder) {
  HostPair pair(quiet());
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int server = *sb.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sb.bind(server, SockAddrIn{wire::Ipv4Address::any(), kEchoPort}));
  const int client = *sa.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sa.connect(client, SockAddrIn{HostPair::kAddrB, kEchoPort}));
  // Sent before ARP resolves: all 20 wait in ARP's queue (max_pending 32) and go out in order.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(sa.send(client, bytes_of("msg " + std::to_string(i))));
  pair.pump(kT0);
  EXPECT_EQ(echo_all(sb, server), 20);
  pair.pump(kT0 + 1ms);
  std::array<std::byte, 64> buf{};
  for (int i = 0; i < 20; ++i) {
    auto r = sa.recv(client, buf);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), *r), "msg " + std::to_string(i));
  }
}

// ---- ICMP port unreachable → ECONNREFUSED ----

class PortUnreachable : public ::testing::Test {
 protected:
  void SetUp() override {
    fd = *sa().socket(kAfInet, kSockDgram);
    ASSERT_TRUE(sa().connect(fd, SockAddrIn{HostPair::kAddrB, 9}));  // nothing on B:9
    ASSERT_TRUE(sa().send(fd, bytes_of("hello?")));
    pair.pump(kT0);
    ASSERT_EQ(pair.b().counters().get("udp.drop.port_unreachable"), 1u);
    ASSERT_EQ(pair.b().counters().get("icmp.unreachable_tx"), 1u);
    ASSERT_EQ(pair.a().counters().get("icmp.unreachable_rx"), 1u);
  }
  socket::SocketApi& sa() { return pair.a().sockets(); }
  HostPair pair{quiet()};
  int fd = -1;
};

TEST_F(PortUnreachable, NextSendFailsWithEconnrefusedOnce) {
  auto s = sa().send(fd, bytes_of("again"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), Errno::ECONNREFUSED_);
  // Reported once: the send after it goes out (and is refused again by B).
  EXPECT_TRUE(sa().send(fd, bytes_of("again")));
  pair.pump(kT0 + 1ms);
  EXPECT_EQ(pair.b().counters().get("udp.drop.port_unreachable"), 2u);
  s = sa().send(fd, bytes_of("and again"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), Errno::ECONNREFUSED_);
}

TEST_F(PortUnreachable, NextRecvFailsWithEconnrefusedOnce) {
  std::array<std::byte, 16> buf{};
  auto r = sa().recv(fd, buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Errno::ECONNREFUSED_);
  r = sa().recv(fd, buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Errno::EAGAIN_);
  EXPECT_TRUE(sa().send(fd, bytes_of("again")));
}

TEST_F(PortUnreachable, ReconnectingClearsThePendingError) {
  ASSERT_TRUE(sa().connect(fd, SockAddrIn{HostPair::kAddrB, 10}));
  EXPECT_EQ(*sa().poll(fd) & socket::kPollErr, 0);
  EXPECT_TRUE(sa().send(fd, bytes_of("x")));
}

// ---- fragmentation ----

struct FragCase {
  std::optional<std::uint16_t> mtu_a;
  std::size_t size;
  std::size_t fragments_a_to_b;
};

class UdpFragments : public ::testing::TestWithParam<FragCase> {};

TEST_P(UdpFragments, LargeDatagramArrivesWholeAndEchoesBack) {
  const auto c = GetParam();
  auto o = quiet();
  o.mtu_a = c.mtu_a;
  HostPair pair(o);
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int server = *sb.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sb.bind(server, SockAddrIn{wire::Ipv4Address::any(), kEchoPort}));
  const int client = *sa.socket(kAfInet, kSockDgram);
  const auto data = udp_payload(c.size, 3);
  ASSERT_TRUE(sa.sendto(client, data, SockAddrIn{HostPair::kAddrB, kEchoPort}));
  pair.pump(kT0);

  // What A put on the wire: datagrams (fragments, when it had to cut) no larger than its MTU.
  const bool cut = c.fragments_a_to_b > 0;
  std::size_t sent = 0;
  const std::size_t mtu = c.mtu_a.value_or(1500);
  for (const auto& f : pair.frames()) {
    if (f.from != 'a') continue;
    auto ip = ipv4_of(f);
    if (!ip || ip->protocol() != wire::ip_proto::kUdp) continue;
    EXPECT_LE(ip->total_length(), mtu);
    EXPECT_EQ(ip->is_fragment(), cut);
    ++sent;
  }
  EXPECT_EQ(sent, cut ? c.fragments_a_to_b : 1u);
  EXPECT_EQ(pair.a().counters().get("ipv4.fragmented"), cut ? 1u : 0u);
  EXPECT_EQ(pair.a().counters().get("ipv4.fragment_tx"), c.fragments_a_to_b);
  EXPECT_EQ(pair.b().counters().get("ipv4.reassembled"), cut ? 1u : 0u);

  std::vector<std::byte> got(70000);
  SockAddrIn from;
  auto n = sb.recvfrom(server, got, &from);
  ASSERT_TRUE(n);
  got.resize(*n);
  EXPECT_EQ(got, data);

  // Back the other way, at B's MTU of 1500.
  ASSERT_TRUE(sb.sendto(server, got, from));
  pair.pump(kT0 + 1ms);
  std::vector<std::byte> back(70000);
  n = sa.recv(client, back);
  ASSERT_TRUE(n);
  back.resize(*n);
  EXPECT_EQ(back, data);
  EXPECT_EQ(pair.a().counters().get("ipv4.reassembled"), c.size + 28 > 1500 ? 1u : 0u);
  EXPECT_EQ(pair.a().ipv4().reassembler().datagrams_in_progress(), 0u);
  EXPECT_EQ(pair.b().ipv4().reassembler().datagrams_in_progress(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Mtu, UdpFragments,
                         ::testing::Values(FragCase{std::nullopt, 4000, 3},  // 4008 = 1480 + 1480 + 1048
                                           FragCase{576, 4000, 8},           // 552 per fragment
                                           FragCase{std::nullopt, 1472, 0},  // exactly fits: not fragmented
                                           FragCase{std::nullopt, 1473, 2}),
                         [](const auto& i) {
                           return "mtu" + std::to_string(i.param.mtu_a.value_or(1500)) + "_" +
                                  std::to_string(i.param.size);
                         });

// 65507 bytes are 45 fragments; ARP holds max_pending (32) packets while it resolves, so the datagram cannot
// be sent to a neighbour whose MAC is not yet known. Linux queues by bytes (unres_qlen_bytes, ~208 KiB) and
// sends it. Worse, the 32 fragments that were queued still go out once ARP resolves: the receiver holds a
// partial datagram for 30 s. Disabled until ARP's pending limit is reconsidered (see the report).
TEST(TwoHosts, MaximumDatagramToAnUnresolvedPeer) {
  HostPair pair(quiet());
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int server = *sb.socket(kAfInet, kSockDgram);
  ASSERT_TRUE(sb.bind(server, SockAddrIn{wire::Ipv4Address::any(), kEchoPort}));
  const int client = *sa.socket(kAfInet, kSockDgram);
  const auto data = udp_payload(65507);
  auto s = sa.sendto(client, data, SockAddrIn{HostPair::kAddrB, kEchoPort});
  ASSERT_TRUE(s) << core::name(s.error());
  pair.pump(kT0);
  std::vector<std::byte> got(70000);
  auto n = sb.recv(server, got);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, data.size());
}

// ---- determinism ----

/// One run of a mixed exchange: announcements, ping, UDP echo with an ephemeral port, a fragmented datagram,
/// a refused port. Returns every frame that crossed the wire.
std::vector<HostPair::WireFrame> run_exchange(std::uint64_t seed) {
  HostPair::Options o;
  o.config_a.seed = seed;
  o.config_b.seed = seed + 1;
  o.delay = 100us;
  HostPair pair(o);
  pair.pump(kT0);
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int server = *sb.socket(kAfInet, kSockDgram);
  EXPECT_TRUE(sb.bind(server, SockAddrIn{wire::Ipv4Address::any(), kEchoPort}));
  const int client = *sa.socket(kAfInet, kSockDgram);
  EXPECT_TRUE(pair.a().icmp().send_echo_request(HostPair::kAddrB, 7, 1, 32, pair.now()));
  pair.pump();
  EXPECT_TRUE(sa.sendto(client, bytes_of("ping"), SockAddrIn{HostPair::kAddrB, kEchoPort}));
  EXPECT_TRUE(sa.sendto(client, udp_payload(3000), SockAddrIn{HostPair::kAddrB, kEchoPort}));
  EXPECT_TRUE(sa.sendto(client, bytes_of("nobody"), SockAddrIn{HostPair::kAddrB, 9}));
  pair.pump(pair.now() + 1ms);
  EXPECT_EQ(echo_all(sb, server), 2);
  pair.pump(pair.now() + 1ms);
  pair.run_until(pair.now() + 2s);
  return pair.frames();
}

TEST(TwoHosts, SameSeedGivesIdenticalFramesByteForByte) {
  const auto first = run_exchange(42);
  const auto second = run_exchange(42);
  ASSERT_GT(first.size(), 10u);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(first[i].from, second[i].from);
    EXPECT_EQ(first[i].at, second[i].at);
    EXPECT_EQ(first[i].bytes, second[i].bytes);
  }
}

TEST(TwoHosts, AnotherSeedChangesTheFrames) {
  // The seed picks the ephemeral port and the first IPv4 identification.
  EXPECT_NE(run_exchange(42), run_exchange(43));
}

}  // namespace
}  // namespace strata
