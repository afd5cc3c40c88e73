// SPDX-License-Identifier: MIT
// The stepper's Recorder: copies of each boundary (bytes included), storage reused per engine event, caps;
// and first_header(), which says where a boundary's bytes start.
#include "sim/step/recorder.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace strata::sim::step {
namespace {

core::TraceEvent packet_event(core::Layer layer, core::Dir dir, core::TraceKind kind, core::Bytes bytes) {
  core::TraceEvent e;
  e.time = core::instant_from_ns(1'000);
  e.host = core::HostId{1};
  e.layer = layer;
  e.dir = dir;
  e.kind = kind;
  e.packet = core::PacketId{9};
  e.bytes = bytes;
  return e;
}

TEST(Recorder, CopiesBytesAndCallsBecauseTheEventsAreValidOnlyDuringTheCall) {
  Recorder rec;
  std::vector<std::byte> frame(20, std::byte{0xab});
  rec.on_event(packet_event(core::Layer::Nic, core::Dir::Tx, core::TraceKind::Send, frame));
  {
    core::SocketCallInfo info;
    std::string name = "sendto";
    info.call = name;
    info.fd = 3;
    info.result = 100;
    info.addr = 0x0a000002;
    info.port = 7;
    core::TraceEvent e;
    e.layer = core::Layer::Socket;
    e.kind = core::TraceKind::SocketCall;
    e.call = &info;
    rec.on_event(e);
    name = "garbage";  // the facade's storage goes away after the call
  }
  frame.assign(frame.size(), std::byte{0});
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].packet.value, 9u);
  EXPECT_EQ(rec[0].bytes_seen, 20u);
  ASSERT_EQ(rec.bytes(rec[0]).size(), 20u);
  EXPECT_EQ(rec.bytes(rec[0])[19], std::byte{0xab});
  ASSERT_TRUE(rec[1].has_call);
  EXPECT_EQ(rec[1].call.call, "sendto");
  EXPECT_EQ(rec[1].call.fd, 3);
  EXPECT_EQ(rec[1].call.result, 100);
  EXPECT_EQ(rec[1].call.port, 7);
  EXPECT_TRUE(rec.bytes(rec[1]).empty());

  rec.clear();
  EXPECT_TRUE(rec.empty());
  std::vector<std::byte> other(4, std::byte{1});
  rec.on_event(packet_event(core::Layer::Udp, core::Dir::Tx, core::TraceKind::Send, other));
  EXPECT_EQ(rec[0].bytes_offset, 0u);  // the arena starts over
  EXPECT_EQ(rec.bytes(rec[0])[0], std::byte{1});
}

TEST(Recorder, BoundedInEventsAndBytes) {
  Recorder rec(RecorderLimits{3, 30});
  std::vector<std::byte> frame(20, std::byte{7});
  for (int i = 0; i < 5; ++i)
    rec.on_event(packet_event(core::Layer::Nic, core::Dir::Rx, core::TraceKind::Deliver, frame));
  ASSERT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec.overflow(), 2u);
  EXPECT_EQ(rec[0].bytes_kept, 20u);
  EXPECT_EQ(rec[1].bytes_kept, 10u);  // what was left of the 30 bytes
  EXPECT_EQ(rec[1].bytes_seen, 20u);
  EXPECT_EQ(rec[2].bytes_kept, 0u);
  rec.clear();
  EXPECT_EQ(rec.overflow(), 0u);
}

TEST(Recorder, HostNames) {
  Recorder rec;
  rec.set_host_name(core::HostId{2}, "server");
  rec.set_host_name(core::HostId{1}, "client-with-long-name");
  EXPECT_EQ(rec.host_name(core::HostId{2}), "server");
  EXPECT_EQ(rec.host_name(core::HostId{7}), "?");
  EXPECT_EQ(rec.host_name_width(), std::string("client-with-long-name").size());
}

TEST(FirstHeader, FromDirectionKindLayerAndMarks) {
  const std::byte arp_bytes[] = {std::byte{0x00}, std::byte{0x01}, std::byte{0x08}, std::byte{0x00}};
  const std::byte ip_bytes[] = {std::byte{0x45}, std::byte{0x00}};
  RecordedEvent e;
  // Sends: the first mark at 0.
  e.dir = core::Dir::Tx;
  e.kind = core::TraceKind::Send;
  e.layer = core::Layer::Nic;
  e.marks.link = 0;
  e.marks.net = 14;
  EXPECT_EQ(first_header(e, {}), wire::FirstHeader::Ethernet);
  e.marks = {};
  e.marks.net = 0;
  e.layer = core::Layer::Arp;
  EXPECT_EQ(first_header(e, arp_bytes), wire::FirstHeader::Arp);
  e.kind = core::TraceKind::Queue;  // an IPv4 packet waiting for ARP
  EXPECT_EQ(first_header(e, ip_bytes), wire::FirstHeader::Ipv4);
  e.marks = {};
  e.marks.transport = 0;
  e.layer = core::Layer::Udp;
  e.kind = core::TraceKind::Send;
  EXPECT_EQ(first_header(e, {}), wire::FirstHeader::Udp);
  // Receives: the layer's own header on, whatever the marks (relative to the frame) say.
  e.dir = core::Dir::Rx;
  e.kind = core::TraceKind::Deliver;
  e.layer = core::Layer::Ipv4;
  e.marks = {};
  e.marks.link = 0;
  EXPECT_EQ(first_header(e, ip_bytes), wire::FirstHeader::Ipv4);
  e.layer = core::Layer::Socket;
  e.kind = core::TraceKind::Queue;
  EXPECT_EQ(first_header(e, {}), wire::FirstHeader::Payload);
  // A receive drop hands out the whole frame.
  e.layer = core::Layer::Udp;
  e.kind = core::TraceKind::Drop;
  EXPECT_EQ(first_header(e, {}), wire::FirstHeader::Ethernet);
}

}  // namespace
}  // namespace strata::sim::step
