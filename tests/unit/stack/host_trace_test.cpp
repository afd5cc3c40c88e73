// SPDX-License-Identifier: MIT
// Trace hooks (DESIGN.md §4): every layer boundary a packet crosses is one event, in order, with one packet
// id followed across layers; a drop is counted, traced and given as the frame's verdict at one place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stack/host.hpp"
#include "tests/support/host_pair.hpp"

namespace strata {
namespace {

struct Recorded {
  std::uint32_t host;
  core::Layer layer;
  core::Dir dir;
  core::TraceKind kind;
  core::Reason reason;
  std::uint64_t packet;
  std::string call;
};

class Recorder final : public core::TraceSink {
 public:
  void on_event(const core::TraceEvent& e) override {
    events.push_back(Recorded{e.host.value, e.layer, e.dir, e.kind, e.reason, e.packet.value,
                              e.call ? std::string(e.call->call) : std::string()});
  }
  std::vector<std::string> lines(std::uint32_t host) const {
    std::vector<std::string> out;
    for (const auto& e : events)
      if (e.host == host)
        out.push_back(std::string(core::name(e.layer)) + "/" + std::string(core::name(e.dir)) + "/" +
                      std::string(core::name(e.kind)) + (e.call.empty() ? "" : ":" + e.call));
    return out;
  }
  std::vector<Recorded> events;
};

core::Instant at_ms(int ms) {
  return core::instant_from_ns(std::int64_t{ms} * 1'000'000);
}

TEST(HostTrace, UdpDatagramCrossesEveryLayerBoundaryInOrder) {
  test::HostPair pair;
  pair.pump(at_ms(1));
  // Resolve ARP first so the datagram's own walk is not interleaved with the resolution.
  ASSERT_TRUE(pair.a().icmp().send_echo_request(test::HostPair::kAddrB, 1, 1, 8, at_ms(2)).ok());
  pair.pump(at_ms(2));

  Recorder rec;
  pair.a().set_trace_sink(&rec);
  pair.b().set_trace_sink(&rec);
  auto& sa = pair.a().sockets();
  auto& sb = pair.b().sockets();
  const int fb = sb.socket(socket::kAfInet, socket::kSockDgram).value();
  ASSERT_TRUE(sb.bind(fb, {{}, 7}).ok());
  const int fa = sa.socket(socket::kAfInet, socket::kSockDgram).value();
  const char msg[] = "hello";
  ASSERT_TRUE(sa.sendto(fa, std::as_bytes(std::span(msg)), {test::HostPair::kAddrB, 7}).ok());
  pair.pump(at_ms(3));
  std::byte buf[64];
  ASSERT_EQ(sb.recv(fb, buf).value(), sizeof msg);

  // The data leaves the socket (socket/tx/send), goes down; the facade traces the call itself on return.
  EXPECT_EQ(rec.lines(1), (std::vector<std::string>{"socket/none/socket_call:socket", "socket/tx/send",
                                                    "udp/tx/send", "ipv4/tx/send", "link/tx/send",
                                                    "nic/tx/send", "socket/none/socket_call:sendto"}));
  EXPECT_EQ(rec.lines(2), (std::vector<std::string>{"socket/none/socket_call:socket",
                                                    "socket/none/socket_call:bind", "nic/rx/deliver",
                                                    "link/rx/deliver", "ipv4/rx/deliver", "udp/rx/deliver",
                                                    "socket/rx/queue", "socket/none/socket_call:recvfrom"}));
  // One packet id follows the datagram through B's receive path.
  std::vector<std::uint64_t> ids;
  for (const auto& e : rec.events)
    if (e.host == 2 && e.kind != core::TraceKind::SocketCall) ids.push_back(e.packet);
  ASSERT_FALSE(ids.empty());
  for (auto id : ids) EXPECT_EQ(id, ids.front());
}

TEST(HostTrace, DropIsCountedTracedAndReportedOnce) {
  test::HostPair pair;
  Recorder rec;
  pair.b().set_trace_sink(&rec);
  // A UDP datagram to a closed port on B: dropped by UDP with port_unreachable.
  auto& sa = pair.a().sockets();
  const int fa = sa.socket(socket::kAfInet, socket::kSockDgram).value();
  const char msg[] = "x";
  ASSERT_TRUE(sa.sendto(fa, std::as_bytes(std::span(msg)), {test::HostPair::kAddrB, 9}).ok());
  pair.pump(at_ms(1));
  int drops = 0;
  // (B also drops A's gratuitous ARP as arp.not_for_us; this test follows the datagram.)
  for (const auto& e : rec.events)
    if (e.kind == core::TraceKind::Drop && e.layer != core::Layer::Arp) {
      ++drops;
      EXPECT_EQ(e.layer, core::Layer::Udp);
      EXPECT_EQ(e.reason, core::Reason::UdpPortUnreachable);
    }
  EXPECT_EQ(drops, 1);
  EXPECT_EQ(pair.b().counters().get("udp.drop.port_unreachable"), 1u);
}

TEST(HostTrace, NoSinkMeansNoEventsAndCountersStillCount) {
  test::HostPair pair;
  pair.pump(at_ms(1));
  EXPECT_GT(pair.b().counters().get("arp.rx"), 0u);
  EXPECT_GT(pair.a().counters().get("arp.gratuitous_tx"), 0u);
}

}  // namespace
}  // namespace strata
