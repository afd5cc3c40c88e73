// SPDX-License-Identifier: MIT
// Breakpoint conditions: parsing (and what a parse error says), and the predicate over recorded boundaries.
#include "sim/step/breakpoints.hpp"

#include <gtest/gtest.h>

#include "tests/support/frame_builder.hpp"

namespace strata::sim::step {
namespace {

using test::FrameBuilder;
using test::ip;
using test::mac;

TEST(BreakCondition, ParsesEveryKey) {
  auto c = BreakCondition::parse(
      "host=client layer=udp proto=udp port=7 flags=SYN,ack time=1.5s dir=tx kind=send");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->host, "client");
  EXPECT_EQ(c->layer, core::Layer::Udp);
  EXPECT_EQ(c->proto, Proto::Udp);
  EXPECT_EQ(c->port, 7);
  EXPECT_EQ(c->flags, wire::tcp_flag::kSyn | wire::tcp_flag::kAck);
  EXPECT_EQ(c->time, core::instant_from_ns(1'500'000'000));
  EXPECT_EQ(c->dir, core::Dir::Tx);
  EXPECT_EQ(c->kind, core::TraceKind::Send);
  EXPECT_EQ(c->text(), "host=client layer=udp dir=tx kind=send proto=udp port=7 flags=SYN,ACK time=1500ms");
  EXPECT_EQ(BreakCondition::parse("").value().text(), "(any boundary)");
  EXPECT_EQ(BreakCondition::parse("layer=ethernet").value().layer, core::Layer::Link);
}

TEST(BreakCondition, ErrorsSayWhatWasExpected) {
  EXPECT_EQ(BreakCondition::parse("layer=foo").error(),
            "break: layer=foo: expected one of nic, link, arp, ipv4, icmp, udp, tcp, socket");
  EXPECT_EQ(BreakCondition::parse("proto=sctp").error(),
            "break: proto=sctp: expected one of arp, ipv4, icmp, udp, tcp");
  EXPECT_EQ(BreakCondition::parse("port=70000").error(),
            "break: port=70000: expected a port number 0..65535");
  EXPECT_EQ(BreakCondition::parse("flags=SYN,FOO").error(),
            "break: flags=SYN,FOO: expected TCP flags separated by commas, from FIN, SYN, RST, PSH, ACK, "
            "URG, ECE, CWR");
  EXPECT_EQ(BreakCondition::parse("colour=red").error(),
            "break: unknown key \"colour\": expected host, layer, proto, port, flags, time, dir or kind");
  EXPECT_EQ(
      BreakCondition::parse("client").error(),
      "break: \"client\": expected key=value with key host, layer, proto, port, flags, time, dir or kind");
  const auto time = BreakCondition::parse("time=10");
  ASSERT_FALSE(time.ok());
  EXPECT_EQ(time.error().rfind("break: time=10: ", 0), 0u) << time.error();
}

RecordedEvent nic_tx() {
  RecordedEvent e;
  e.layer = core::Layer::Nic;
  e.dir = core::Dir::Tx;
  e.kind = core::TraceKind::Send;
  e.marks.link = 0;
  e.time = core::instant_from_ns(5'000'000);
  return e;
}

TEST(BreakCondition, MatchesProtocolsPortsAndFlagsFromTheBytes) {
  const auto udp = test::udp_frame(mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02"), ip("10.0.0.1"),
                                   ip("10.0.0.2"), 49152, 7);
  const auto syn = FrameBuilder()
                       .eth(mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02"))
                       .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                       .tcp(40000, 80, 1, 0, wire::tcp_flag::kSyn)
                       .bytes();
  const auto arp = test::arp_request(mac("02:00:00:00:00:01"), ip("10.0.0.1"), ip("10.0.0.2"));
  const RecordedEvent e = nic_tx();
  auto matches = [&](const char* text, const test::Frame& f, std::string_view host = "client") {
    auto c = BreakCondition::parse(text);
    EXPECT_TRUE(c.ok()) << text;
    return c->matches(e, PacketFacts::of(e, test::view(f)), host);
  };
  EXPECT_TRUE(matches("proto=udp", udp));
  EXPECT_TRUE(matches("proto=ipv4", udp));
  EXPECT_FALSE(matches("proto=icmp", udp));
  EXPECT_TRUE(matches("proto=arp", arp));
  EXPECT_FALSE(matches("proto=ipv4", arp));
  EXPECT_TRUE(matches("port=7", udp));
  EXPECT_TRUE(matches("port=49152", udp));
  EXPECT_FALSE(matches("port=8", udp));
  EXPECT_FALSE(matches("port=7", arp));
  EXPECT_TRUE(matches("flags=SYN", syn));
  EXPECT_FALSE(matches("flags=SYN,ACK", syn));
  EXPECT_FALSE(matches("flags=SYN", udp));
  EXPECT_TRUE(matches("host=client layer=nic dir=tx kind=send", udp));
  EXPECT_FALSE(matches("host=server", udp));
  EXPECT_FALSE(matches("layer=link", udp));
  EXPECT_TRUE(matches("time=5ms", udp));
  EXPECT_FALSE(matches("time=6ms", udp));
}

TEST(Breakpoints, NumberedDeletedAndTimeOnesFireOnce) {
  Breakpoints bps;
  EXPECT_EQ(bps.add("time=1ms").value(), 1);
  EXPECT_EQ(bps.add("layer=udp").value(), 2);
  EXPECT_FALSE(bps.add("layer=nope").ok());
  EXPECT_EQ(bps.add("host=client").value(), 3);  // a failed parse uses no number
  const RecordedEvent e = nic_tx();
  const Breakpoint* hit = bps.match(e, {}, "client");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->number, 1);
  hit = bps.match(e, {}, "client");  // the time breakpoint is spent: the next live one matches
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->number, 3);
  EXPECT_TRUE(bps.remove(3));
  EXPECT_FALSE(bps.remove(3));
  EXPECT_EQ(bps.match(e, {}, "client"), nullptr);
  EXPECT_EQ(bps.list().size(), 2u);
}

}  // namespace
}  // namespace strata::sim::step
