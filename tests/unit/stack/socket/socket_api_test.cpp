// SPDX-License-Identifier: MIT
// The BSD socket facade on two hosts joined by a wire (HostPair): errno results as Linux gives them.
#include "stack/socket/socket_api.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "stack/core/trace.hpp"
#include "tests/support/bytes.hpp"
#include "tests/support/host_pair.hpp"
#include "tests/support/sock_result.hpp"

namespace strata::socket {
namespace {

using core::Errno;
using test::bytes_of;
using test::error_of;
using test::HostPair;

constexpr std::uint16_t kEcho = 7;

class SocketApiTest : public ::testing::Test {
 protected:
  SocketApi& a() { return pair.a().sockets(); }
  SocketApi& b() { return pair.b().sockets(); }
  int udp(SocketApi& s) {
    auto fd = s.socket(kAfInet, kSockDgram);
    EXPECT_TRUE(fd);
    return fd ? *fd : -1;
  }
  int bound(SocketApi& s, std::uint16_t port, wire::Ipv4Address addr = wire::Ipv4Address::any()) {
    const int fd = udp(s);
    EXPECT_TRUE(s.bind(fd, SockAddrIn{addr, port}));
    return fd;
  }
  /// Receives one datagram as text ("<EAGAIN>" etc. on error).
  std::string recv_text(SocketApi& s, int fd, SockAddrIn* from = nullptr, std::size_t cap = 2048) {
    std::vector<std::byte> buf(cap);
    auto n = s.recvfrom(fd, buf, from);
    if (!n) {
      std::string e = "<";
      e += core::name(n.error());
      e += '>';
      return e;
    }
    return std::string(reinterpret_cast<const char*>(buf.data()), *n);
  }
  void pump() { pair.pump(pair.now() + std::chrono::milliseconds(1)); }

  HostPair pair;
};

TEST_F(SocketApiTest, CreatesADatagramSocket) {
  auto fd = a().socket(kAfInet, kSockDgram);
  ASSERT_TRUE(fd);
  EXPECT_EQ(*fd, 0);
  EXPECT_EQ(a().open_sockets(), 1u);
  auto fd2 = a().socket(kAfInet, kSockDgram, 17);  // IPPROTO_UDP named explicitly
  ASSERT_TRUE(fd2);
  EXPECT_EQ(*fd2, 1);
  EXPECT_EQ(a().open_sockets(), 2u);
}

TEST_F(SocketApiTest, RefusesAnUnsupportedDomain) {
  EXPECT_EQ(error_of(a().socket(10 /* AF_INET6 */, kSockDgram)), Errno::EAFNOSUPPORT_);
  EXPECT_EQ(error_of(a().socket(0, kSockDgram)), Errno::EAFNOSUPPORT_);
  EXPECT_EQ(a().open_sockets(), 0u);
}

TEST_F(SocketApiTest, StreamSocketsAreNotSupportedYet) {
  EXPECT_EQ(error_of(a().socket(kAfInet, kSockStream)), Errno::EPROTONOSUPPORT_);
  EXPECT_EQ(a().open_sockets(), 0u);
}

TEST_F(SocketApiTest, RefusesAnUnknownTypeOrProtocol) {
  EXPECT_EQ(error_of(a().socket(kAfInet, 99)), Errno::EINVAL_);
  EXPECT_EQ(error_of(a().socket(kAfInet, kSockDgram, 6 /* IPPROTO_TCP */)), Errno::EPROTONOSUPPORT_);
  EXPECT_EQ(a().open_sockets(), 0u);
}

TEST_F(SocketApiTest, UnboundSocketHasTheWildcardName) {
  const int fd = udp(a());
  auto name = a().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, SockAddrIn{});
}

TEST_F(SocketApiTest, BindToPortZeroPicksAnEphemeralPort) {
  const int fd = udp(a());
  ASSERT_TRUE(a().bind(fd, SockAddrIn{wire::Ipv4Address::any(), 0}));
  auto name = a().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_GE(name->port, 49152);
  EXPECT_LE(name->port, 65535);
  EXPECT_TRUE(name->addr.is_any());
  // A second one gets another port.
  const int fd2 = udp(a());
  ASSERT_TRUE(a().bind(fd2, SockAddrIn{wire::Ipv4Address::any(), 0}));
  EXPECT_NE(a().getsockname(fd2)->port, name->port);
}

TEST_F(SocketApiTest, BindToOurAddressShowsInGetsockname) {
  const int fd = udp(a());
  ASSERT_TRUE(a().bind(fd, SockAddrIn{HostPair::kAddrA, 5000}));
  EXPECT_EQ(*a().getsockname(fd), (SockAddrIn{HostPair::kAddrA, 5000}));
}

TEST_F(SocketApiTest, ConnectedWildcardSocketNamesTheRouteSourceAddress) {
  const int fd = udp(a());
  ASSERT_TRUE(a().connect(fd, SockAddrIn{HostPair::kAddrB, 7}));
  auto name = a().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_EQ(name->addr, HostPair::kAddrA);
  EXPECT_GE(name->port, 49152);
}

TEST_F(SocketApiTest, SecondBindToTheSamePortIsEaddrinuse) {
  bound(a(), 5000);
  const int fd2 = udp(a());
  EXPECT_EQ(error_of(a().bind(fd2, SockAddrIn{wire::Ipv4Address::any(), 5000})), Errno::EADDRINUSE_);
  EXPECT_EQ(error_of(a().bind(fd2, SockAddrIn{HostPair::kAddrA, 5000})), Errno::EADDRINUSE_);
  // Still unbound: it can bind elsewhere.
  EXPECT_TRUE(a().bind(fd2, SockAddrIn{wire::Ipv4Address::any(), 5001}));
  // Ports are per host.
  bound(b(), 5000);
}

TEST_F(SocketApiTest, BindToAnAddressNotOursIsEaddrnotavail) {
  const int fd = udp(a());
  EXPECT_EQ(error_of(a().bind(fd, SockAddrIn{HostPair::kAddrB, 5000})), Errno::EADDRNOTAVAIL_);
  EXPECT_EQ(error_of(a().bind(fd, SockAddrIn{wire::Ipv4Address::from_octets(192, 0, 2, 1), 5000})),
            Errno::EADDRNOTAVAIL_);
  // The failed binds reserved nothing.
  EXPECT_TRUE(a().bind(fd, SockAddrIn{wire::Ipv4Address::any(), 5000}));
}

TEST_F(SocketApiTest, BindingTwiceIsEinval) {
  const int fd = bound(a(), 5000);
  EXPECT_EQ(error_of(a().bind(fd, SockAddrIn{wire::Ipv4Address::any(), 5001})), Errno::EINVAL_);
  EXPECT_EQ(a().getsockname(fd)->port, 5000);
  // 5001 was not taken by the failed bind.
  bound(a(), 5001);
}

TEST_F(SocketApiTest, SendtoAndRecvfromCarryTheSourceAddress) {
  const int server = bound(b(), kEcho);
  const int client = bound(a(), 4000);
  auto n = a().sendto(client, bytes_of("hello"), SockAddrIn{HostPair::kAddrB, kEcho});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 5u);
  pump();
  SockAddrIn from;
  EXPECT_EQ(recv_text(b(), server, &from), "hello");
  EXPECT_EQ(from, (SockAddrIn{HostPair::kAddrA, 4000}));
}

TEST_F(SocketApiTest, SendtoFromAnUnboundSocketBindsAnEphemeralPort) {
  const int server = bound(b(), kEcho);
  const int client = udp(a());
  ASSERT_TRUE(a().sendto(client, bytes_of("x"), SockAddrIn{HostPair::kAddrB, kEcho}));
  const auto name = a().getsockname(client);
  ASSERT_TRUE(name);
  EXPECT_GE(name->port, 49152);
  pump();
  SockAddrIn from;
  EXPECT_EQ(recv_text(b(), server, &from), "x");
  EXPECT_EQ(from.port, name->port);
}

TEST_F(SocketApiTest, RecvOnAnEmptySocketIsEagain) {
  const int fd = bound(a(), 5000);
  std::array<std::byte, 16> buf{};
  EXPECT_EQ(error_of(a().recv(fd, buf)), Errno::EAGAIN_);
  EXPECT_EQ(error_of(a().recvfrom(fd, buf, nullptr)), Errno::EAGAIN_);
  // Unbound sockets too.
  EXPECT_EQ(error_of(a().recv(udp(a()), buf)), Errno::EAGAIN_);
}

TEST_F(SocketApiTest, PollReportsReadableAfterADatagram) {
  const int server = bound(b(), kEcho);
  EXPECT_EQ(*b().poll(server), kPollOut);
  const int client = udp(a());
  ASSERT_TRUE(a().sendto(client, bytes_of("1"), SockAddrIn{HostPair::kAddrB, kEcho}));
  ASSERT_TRUE(a().sendto(client, bytes_of("2"), SockAddrIn{HostPair::kAddrB, kEcho}));
  pump();
  EXPECT_EQ(*b().poll(server), kPollOut | kPollIn);
  EXPECT_EQ(recv_text(b(), server), "1");
  EXPECT_EQ(*b().poll(server), kPollOut | kPollIn);
  EXPECT_EQ(recv_text(b(), server), "2");
  EXPECT_EQ(*b().poll(server), kPollOut);
}

TEST_F(SocketApiTest, PollReportsAnErrorAfterPortUnreachableOnAConnectedSocket) {
  const int fd = udp(a());
  ASSERT_TRUE(a().connect(fd, SockAddrIn{HostPair::kAddrB, 9}));  // nobody listens on B:9
  ASSERT_TRUE(a().send(fd, bytes_of("anyone?")));
  pump();
  EXPECT_EQ(pair.b().counters().get("udp.drop.port_unreachable"), 1u);
  EXPECT_EQ(pair.a().counters().get("icmp.unreachable_rx"), 1u);
  EXPECT_EQ(*a().poll(fd), kPollOut | kPollErr);
  std::array<std::byte, 16> buf{};
  EXPECT_EQ(error_of(a().recv(fd, buf)), Errno::ECONNREFUSED_);
  // Reported once.
  EXPECT_EQ(*a().poll(fd), kPollOut);
  EXPECT_EQ(error_of(a().recv(fd, buf)), Errno::EAGAIN_);
}

TEST_F(SocketApiTest, UnconnectedSocketIgnoresPortUnreachable) {
  const int fd = udp(a());
  ASSERT_TRUE(a().sendto(fd, bytes_of("anyone?"), SockAddrIn{HostPair::kAddrB, 9}));
  pump();
  EXPECT_EQ(pair.a().counters().get("icmp.unreachable_rx"), 1u);
  EXPECT_EQ(*a().poll(fd), kPollOut);
  EXPECT_TRUE(a().sendto(fd, bytes_of("again"), SockAddrIn{HostPair::kAddrB, 9}));
}

TEST_F(SocketApiTest, DatagramAboveTheUdpMaximumIsEmsgsize) {
  const int fd = udp(a());
  std::vector<std::byte> big(65508);
  EXPECT_EQ(error_of(a().sendto(fd, big, SockAddrIn{HostPair::kAddrB, kEcho})), Errno::EMSGSIZE_);
  EXPECT_EQ(pair.a().counters().get("udp.tx"), 0u);
}

TEST_F(SocketApiTest, LargestDatagramIsSentInFragmentsAndArrivesWhole) {
  const int server = bound(b(), kEcho);
  const int fd = udp(a());
  // Resolve B first: 45 fragments are more than ARP holds while it resolves (see the Integration test
  // MaximumDatagramToAnUnresolvedPeer).
  ASSERT_TRUE(a().sendto(fd, bytes_of("arp"), SockAddrIn{HostPair::kAddrB, kEcho}));
  pump();
  ASSERT_EQ(recv_text(b(), server), "arp");
  std::vector<std::byte> big(65507);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = std::byte(static_cast<std::uint8_t>(i * 7 + (i >> 9)));
  auto n = a().sendto(fd, big, SockAddrIn{HostPair::kAddrB, kEcho});
  ASSERT_TRUE(n) << core::name(n.error());
  EXPECT_EQ(*n, big.size());
  pump();
  EXPECT_EQ(pair.b().counters().get("ipv4.reassembled"), 1u);
  std::vector<std::byte> got(70000);
  auto r = b().recv(server, got);
  ASSERT_TRUE(r);
  ASSERT_EQ(*r, big.size());
  got.resize(*r);
  EXPECT_EQ(got, big);
}

TEST_F(SocketApiTest, SendWithoutConnectIsEdestaddrreq) {
  const int fd = bound(a(), 5000);
  EXPECT_EQ(error_of(a().send(fd, bytes_of("x"))), Errno::EDESTADDRREQ_);
  EXPECT_EQ(error_of(a().send(udp(a()), bytes_of("x"))), Errno::EDESTADDRREQ_);
}

TEST_F(SocketApiTest, ConnectToPortZeroIsEinval) {
  const int fd = udp(a());
  EXPECT_EQ(error_of(a().connect(fd, SockAddrIn{HostPair::kAddrB, 0})), Errno::EINVAL_);
}

TEST_F(SocketApiTest, SendtoPortZeroIsEinval) {
  const int fd = udp(a());
  EXPECT_EQ(error_of(a().sendto(fd, bytes_of("x"), SockAddrIn{HostPair::kAddrB, 0})), Errno::EINVAL_);
}

TEST_F(SocketApiTest, SendtoWithoutARouteIsEnetunreach) {
  const int fd = udp(a());
  EXPECT_EQ(
      error_of(a().sendto(fd, bytes_of("x"), SockAddrIn{wire::Ipv4Address::from_octets(192, 0, 2, 1), 7})),
      Errno::ENETUNREACH_);
}

TEST_F(SocketApiTest, SendtoFromABoundAddressWithoutARouteIsEnetunreach) {
  // Bound to our address, the source needs no route: IPv4 finds none and drops the datagram.
  const int fd = bound(a(), 4000, HostPair::kAddrA);
  EXPECT_EQ(
      error_of(a().sendto(fd, bytes_of("x"), SockAddrIn{wire::Ipv4Address::from_octets(192, 0, 2, 1), 7})),
      Errno::ENETUNREACH_);
}

TEST_F(SocketApiTest, ConnectedSocketSendsToItsPeerAndBindsAnEphemeralPort) {
  const int server = bound(b(), kEcho);
  const int fd = udp(a());
  ASSERT_TRUE(a().connect(fd, SockAddrIn{HostPair::kAddrB, kEcho}));
  const auto name = a().getsockname(fd);
  ASSERT_TRUE(name);
  EXPECT_GE(name->port, 49152);
  ASSERT_TRUE(a().send(fd, bytes_of("via connect")));
  pump();
  SockAddrIn from;
  EXPECT_EQ(recv_text(b(), server, &from), "via connect");
  EXPECT_EQ(from, (SockAddrIn{HostPair::kAddrA, name->port}));
}

TEST_F(SocketApiTest, InvalidOrClosedFdIsEbadf) {
  std::array<std::byte, 8> buf{};
  const SockAddrIn to{HostPair::kAddrB, kEcho};
  const int closed = udp(a());
  ASSERT_TRUE(a().close(closed));
  for (int fd : {-1, 42, closed}) {
    SCOPED_TRACE(fd);
    EXPECT_EQ(error_of(a().bind(fd, SockAddrIn{})), Errno::EBADF_);
    EXPECT_EQ(error_of(a().connect(fd, to)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().send(fd, buf)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().sendto(fd, buf, to)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().recv(fd, buf)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().recvfrom(fd, buf, nullptr)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().getsockname(fd)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().poll(fd)), Errno::EBADF_);
    EXPECT_EQ(error_of(a().close(fd)), Errno::EBADF_);
  }
}

TEST_F(SocketApiTest, ClosedFdIsReusedLowestFirst) {
  const int fd0 = udp(a());
  const int fd1 = udp(a());
  const int fd2 = udp(a());
  EXPECT_EQ(fd0, 0);
  EXPECT_EQ(fd1, 1);
  EXPECT_EQ(fd2, 2);
  ASSERT_TRUE(a().close(fd1));
  ASSERT_TRUE(a().close(fd0));
  EXPECT_EQ(a().open_sockets(), 1u);
  EXPECT_EQ(udp(a()), 0);
  EXPECT_EQ(udp(a()), 1);
  EXPECT_EQ(udp(a()), 3);
}

TEST_F(SocketApiTest, ReusedFdStartsFresh) {
  const int fd = bound(a(), 5000);
  ASSERT_TRUE(a().connect(fd, SockAddrIn{HostPair::kAddrB, kEcho}));
  ASSERT_TRUE(a().close(fd));
  const int again = udp(a());
  ASSERT_EQ(again, fd);
  EXPECT_EQ(*a().getsockname(again), SockAddrIn{});
  EXPECT_EQ(error_of(a().send(again, bytes_of("x"))), Errno::EDESTADDRREQ_);
}

TEST_F(SocketApiTest, CloseReleasesThePort) {
  const int fd = bound(a(), 5000);
  ASSERT_TRUE(a().close(fd));
  const int fd2 = udp(a());
  EXPECT_TRUE(a().bind(fd2, SockAddrIn{wire::Ipv4Address::any(), 5000}));
}

TEST_F(SocketApiTest, DatagramsForAClosedSocketAreRefused) {
  const int server = bound(b(), kEcho);
  ASSERT_TRUE(b().close(server));
  const int fd = udp(a());
  ASSERT_TRUE(a().sendto(fd, bytes_of("late"), SockAddrIn{HostPair::kAddrB, kEcho}));
  pump();
  EXPECT_EQ(pair.b().counters().get("udp.drop.port_unreachable"), 1u);
}

TEST_F(SocketApiTest, RecvfromIntoAShortBufferTruncatesAndDiscardsTheRest) {
  const int server = bound(b(), kEcho);
  const int fd = udp(a());
  ASSERT_TRUE(a().sendto(fd, bytes_of("0123456789"), SockAddrIn{HostPair::kAddrB, kEcho}));
  ASSERT_TRUE(a().sendto(fd, bytes_of("next"), SockAddrIn{HostPair::kAddrB, kEcho}));
  pump();
  SockAddrIn from;
  EXPECT_EQ(recv_text(b(), server, &from, 4), "0123");
  EXPECT_EQ(from.addr, HostPair::kAddrA);
  // The other 6 bytes are gone: the next read is the next datagram.
  EXPECT_EQ(recv_text(b(), server), "next");
  EXPECT_EQ(recv_text(b(), server), "<EAGAIN>");
}

TEST_F(SocketApiTest, ZeroLengthDatagramIsDelivered) {
  const int server = bound(b(), kEcho);
  const int fd = udp(a());
  auto n = a().sendto(fd, {}, SockAddrIn{HostPair::kAddrB, kEcho});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  pump();
  EXPECT_EQ(*b().poll(server), kPollOut | kPollIn);
  std::array<std::byte, 4> buf{};
  auto r = b().recv(server, buf);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0u);
  EXPECT_EQ(*b().poll(server), kPollOut);
}

TEST_F(SocketApiTest, TooManySocketsIsEmfile) {
  HostPair::Options o;
  o.config_a.udp.max_endpoints = 3;
  HostPair small(o);
  auto& s = small.a().sockets();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.socket(kAfInet, kSockDgram));
  EXPECT_EQ(error_of(s.socket(kAfInet, kSockDgram)), Errno::EMFILE_);
  ASSERT_TRUE(s.close(1));
  EXPECT_EQ(s.socket(kAfInet, kSockDgram).value(), 1);
}

struct CallRecorder final : core::TraceSink {
  struct Call {
    std::string name;
    int fd;
    std::int64_t result;
  };
  std::vector<Call> calls;
  void on_event(const core::TraceEvent& e) override {
    if (e.kind == core::TraceKind::SocketCall)
      calls.push_back({std::string(e.call->call), e.call->fd, e.call->result});
  }
};

TEST_F(SocketApiTest, EveryCallIsCountedAndTracedWithItsResult) {
  CallRecorder rec;
  pair.a().set_trace_sink(&rec);
  const int fd = udp(a());
  EXPECT_EQ(error_of(a().bind(fd, SockAddrIn{HostPair::kAddrB, 1})), Errno::EADDRNOTAVAIL_);
  std::array<std::byte, 4> buf{};
  (void)a().recv(fd, buf);
  pair.a().set_trace_sink(nullptr);
  ASSERT_EQ(rec.calls.size(), 3u);
  EXPECT_EQ(rec.calls[0].name, "socket");
  EXPECT_EQ(rec.calls[0].result, fd);
  EXPECT_EQ(rec.calls[1].name, "bind");
  EXPECT_EQ(rec.calls[1].result, -static_cast<std::int64_t>(Errno::EADDRNOTAVAIL_));
  EXPECT_EQ(rec.calls[2].name, "recvfrom");
  EXPECT_EQ(rec.calls[2].result, -static_cast<std::int64_t>(Errno::EAGAIN_));
  EXPECT_EQ(pair.a().counters().get("socket.call"), 3u);
}

TEST_F(SocketApiTest, SendtoIsCountedWithOrWithoutATracerAndTracedWithOne) {
  const int server = bound(b(), kEcho);
  const int fd = udp(a());
  const auto calls = pair.a().counters().get("socket.call");
  ASSERT_TRUE(a().sendto(fd, bytes_of("abc"), SockAddrIn{HostPair::kAddrB, kEcho}));  // untraced
  EXPECT_EQ(pair.a().counters().get("socket.call"), calls + 1);
  CallRecorder rec;
  pair.a().set_trace_sink(&rec);
  EXPECT_EQ(a().sendto(fd, bytes_of("defg"), SockAddrIn{HostPair::kAddrB, kEcho}).value(), 4u);
  EXPECT_EQ(error_of(a().sendto(fd + 1, bytes_of("x"), SockAddrIn{HostPair::kAddrB, kEcho})), Errno::EBADF_);
  pair.a().set_trace_sink(nullptr);
  ASSERT_EQ(rec.calls.size(), 2u);
  EXPECT_EQ(rec.calls[0].name, "sendto");
  EXPECT_EQ(rec.calls[0].result, 4);
  EXPECT_EQ(rec.calls[1].name, "sendto");
  EXPECT_EQ(rec.calls[1].result, -static_cast<std::int64_t>(Errno::EBADF_));
  EXPECT_EQ(pair.a().counters().get("socket.call"), calls + 3);
  pump();
  EXPECT_EQ(recv_text(b(), server), "abc");
  EXPECT_EQ(recv_text(b(), server), "defg");
}

}  // namespace
}  // namespace strata::socket
