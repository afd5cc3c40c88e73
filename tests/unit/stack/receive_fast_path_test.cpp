// SPDX-License-Identifier: MIT
// The receive path's fast paths (Ethernet's and IPv4's: the usual frame with no call but the next layer's)
// must do exactly what the general path does. A trace sink sends every frame down the general path, so two
// hosts, one traced and one not, fed the same frames, must agree on every verdict, counter, frame sent and
// datagram delivered.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "stack/host.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"
#include "tests/support/test_nic.hpp"

namespace strata {
namespace {

using test::Frame;
using test::FrameBuilder;
using test::kOurIp;
using test::kOurMac;
using test::kPeerIp;
using test::kPeerMac;

constexpr std::uint16_t kOpenPort = 7;
constexpr std::uint16_t kPeerPort = 40000;

class CountingSink final : public core::TraceSink {
 public:
  void on_event(const core::TraceEvent&) override { ++events; }
  std::size_t events = 0;
};

/// One host at 10.0.0.1/24 with a UDP socket bound to port 7; `traced` puts a sink on it.
struct Side {
  explicit Side(bool traced) : host(core::HostId{1}, HostConfig{}, pool) {
    nic.attach(host, InterfaceConfig{test::cidr("10.0.0.1/24"), std::nullopt, false});
    if (traced) host.set_trace_sink(&sink);
    auto& s = host.sockets();
    fd = s.socket(socket::kAfInet, socket::kSockDgram).value();
    EXPECT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), kOpenPort}).ok());
    // Port 8: connected to the peer's port. Port 10: bound to our address only. Port 11: never read.
    connected = s.socket(socket::kAfInet, socket::kSockDgram).value();
    EXPECT_TRUE(s.bind(connected, socket::SockAddrIn{wire::Ipv4Address::any(), 8}).ok());
    EXPECT_TRUE(s.connect(connected, socket::SockAddrIn{kPeerIp, kPeerPort}).ok());
    const int bound_to_ours = s.socket(socket::kAfInet, socket::kSockDgram).value();
    EXPECT_TRUE(s.bind(bound_to_ours, socket::SockAddrIn{kOurIp, 10}).ok());
    const int unread = s.socket(socket::kAfInet, socket::kSockDgram).value();
    EXPECT_TRUE(s.bind(unread, socket::SockAddrIn{wire::Ipv4Address::any(), 11}).ok());
    // The peer's MAC is learnt from its ARP request: answers to it leave at once.
    nic.inject(test::arp_request(kPeerMac, kPeerIp, kOurIp), now);
    nic.take_sent();
  }
  /// Everything readable on the socket, one string per datagram, with its source.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    std::byte buf[2048];
    socket::SockAddrIn from{};
    for (const int s : {fd, connected})
      while (auto n = host.sockets().recvfrom(s, buf, &from))
        out.push_back(std::to_string(s) + " " + from.addr.to_string() + ":" + std::to_string(from.port) +
                      " " + std::string(reinterpret_cast<const char*>(buf), *n));
    return out;
  }

  core::BufferPool pool{256, 8};
  Host host;
  test::TestNic nic{kOurMac};
  CountingSink sink;
  int fd = -1, connected = -1;
  core::Instant now = test::at_ms(1000);
};

FrameBuilder udp_to(wire::MacAddress dst_mac, wire::Ipv4Address dst, std::uint16_t dport) {
  FrameBuilder b;
  b.eth(kPeerMac, dst_mac).ipv4(kPeerIp, dst).udp(kPeerPort, dport).payload("datagram");
  return b;
}

/// Frames that take the fast paths and frames that leave them at each of their tests.
std::vector<std::pair<std::string, Frame>> frames() {
  std::vector<std::pair<std::string, Frame>> v;
  v.emplace_back("unicast udp to an open port", udp_to(kOurMac, kOurIp, kOpenPort).bytes());
  v.emplace_back("unicast udp to a closed port", udp_to(kOurMac, kOurIp, 9).bytes());
  v.emplace_back("udp with a zero checksum", udp_to(kOurMac, kOurIp, kOpenPort).udp_no_checksum().bytes());
  v.emplace_back("udp with a bad checksum", udp_to(kOurMac, kOurIp, kOpenPort).udp_bad_checksum().bytes());
  v.emplace_back("link broadcast to a closed port", udp_to(wire::MacAddress::broadcast(), kOurIp, 9).bytes());
  v.emplace_back("link multicast", udp_to(test::mac("01:00:5e:00:00:fb"), kOurIp, kOpenPort).bytes());
  v.emplace_back("another host's MAC", udp_to(test::mac("02:00:00:00:00:09"), kOurIp, kOpenPort).bytes());
  v.emplace_back("subnet broadcast", udp_to(kOurMac, test::ip("10.0.0.255"), kOpenPort).bytes());
  v.emplace_back("limited broadcast", udp_to(kOurMac, wire::Ipv4Address::broadcast(), kOpenPort).bytes());
  v.emplace_back("another host's address", udp_to(kOurMac, test::ip("10.0.0.9"), kOpenPort).bytes());
  v.emplace_back(
      "vlan tagged",
      FrameBuilder().eth(kPeerMac, kOurMac).vlan(5).ipv4(kPeerIp, kOurIp).udp(kPeerPort, 7).bytes());
  v.emplace_back("ip options", udp_to(kOurMac, kOurIp, kOpenPort)
                                   .ip_options({std::byte{1}, std::byte{1}, std::byte{1}, std::byte{0}})
                                   .bytes());
  v.emplace_back("ip bad checksum", udp_to(kOurMac, kOurIp, kOpenPort).ip_bad_checksum().bytes());
  v.emplace_back("ip cut short", udp_to(kOurMac, kOurIp, kOpenPort).ip_total_length(200).bytes());
  v.emplace_back("ip padded", udp_to(kOurMac, kOurIp, kOpenPort).pad_to(60).bytes());
  v.emplace_back("ip version 6 header", udp_to(kOurMac, kOurIp, kOpenPort).ip_version_ihl(0x65).bytes());
  v.emplace_back("first fragment", FrameBuilder()
                                       .eth(kPeerMac, kOurMac)
                                       .ipv4(kPeerIp, kOurIp, wire::ip_proto::kUdp, 64, 77, test::kMf)
                                       .payload(test::pattern(16))
                                       .bytes());
  v.emplace_back(
      "broadcast source",
      FrameBuilder().eth(kPeerMac, kOurMac).ipv4(wire::Ipv4Address::broadcast(), kOurIp).udp(1, 7).bytes());
  v.emplace_back("multicast source",
                 FrameBuilder().eth(kPeerMac, kOurMac).ipv4(test::ip("224.0.0.1"), kOurIp).udp(1, 7).bytes());
  v.emplace_back("unknown protocol",
                 FrameBuilder().eth(kPeerMac, kOurMac).ipv4(kPeerIp, kOurIp, 253).payload("x").bytes());
  v.emplace_back("icmp echo request",
                 FrameBuilder().eth(kPeerMac, kOurMac).ipv4(kPeerIp, kOurIp).icmp_echo_request(1, 2).bytes());
  v.emplace_back(
      "tcp to no socket",
      FrameBuilder().eth(kPeerMac, kOurMac).ipv4(kPeerIp, kOurIp).tcp(1000, 80, 1, 0, 0x02).bytes());
  v.emplace_back("arp request", test::arp_request(kPeerMac, kPeerIp, kOurIp));
  v.emplace_back("to a connected socket from its peer", udp_to(kOurMac, kOurIp, 8).bytes());
  v.emplace_back("to a connected socket from another port",
                 FrameBuilder().eth(kPeerMac, kOurMac).ipv4(kPeerIp, kOurIp).udp(1, 8).payload("x").bytes());
  v.emplace_back("to a socket bound to our address", udp_to(kOurMac, kOurIp, 10).bytes());
  v.emplace_back("subnet broadcast to a socket bound to our address",
                 udp_to(kOurMac, test::ip("10.0.0.255"), 10).bytes());
  // More than the queue holds (UdpConfig::queue_datagrams): the last ones are refused.
  for (int i = 0; i < 130; ++i) v.emplace_back("to the unread socket", udp_to(kOurMac, kOurIp, 11).bytes());
  v.emplace_back("runt frame", Frame(10));
  return v;
}

TEST(ReceiveFastPath, AgreesWithTheGeneralPathOnEveryFrame) {
  Side fast(false), general(true);
  for (const auto& [what, frame] : frames()) {
    SCOPED_TRACE(what);
    fast.now += core::Duration{std::chrono::milliseconds(1)};
    general.now = fast.now;
    const RxOutcome a = fast.nic.inject(frame, fast.now);
    const RxOutcome b = general.nic.inject(frame, general.now);
    EXPECT_EQ(a.layer, b.layer);
    EXPECT_EQ(a.verdict, b.verdict);
    EXPECT_EQ(a.reason, b.reason);
    EXPECT_EQ(fast.nic.take_sent(), general.nic.take_sent());
    EXPECT_EQ(fast.drain(), general.drain());
    EXPECT_EQ(fast.host.counters().nonzero(), general.host.counters().nonzero());
  }
  // The traced host really went the general way (it traced), and the datagrams really arrived.
  EXPECT_GT(general.sink.events, 0u);
  EXPECT_EQ(fast.sink.events, 0u);
  // Delivered: to the open port plain, with a zero checksum, padded, with options, tagged, as a link
  // multicast, to the subnet and the limited broadcast; to the connected socket from its peer, to the socket
  // bound to our address; 128 to the unread socket. Answered: the closed port, the unknown protocol, and the
  // connected socket's other port (no socket takes it). A subnet broadcast does not reach a socket bound to
  // our unicast address, and is not answered.
  EXPECT_EQ(fast.host.counters().get("udp.delivered"), 8u + 2u + 128u);
  EXPECT_EQ(fast.host.counters().get("icmp.unreachable_tx"), 3u);
  EXPECT_EQ(fast.host.counters().get("udp.drop.queue_full"), 2u);
}

}  // namespace
}  // namespace strata
