// SPDX-License-Identifier: MIT
// EthernetView / EthernetHeader: Ethernet II with stacked 802.1Q / 802.1ad tags. Known frames come from
// tcpdump's test captures (/work/shared/corpus/tcpdump-tests).
#include "stack/wire/ethernet.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::to_vec;
using test::view;

// bgp-4byte-asn.pcap frame 1: an untagged ARP request, broadcast, 42 bytes (no padding).
constexpr std::uint8_t kPlainFrame[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x01, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x01,
};

// bfd_source_port_49152.pcap frame 1: 802.1Q tag (PCP 7, VID 11) carrying IPv4/UDP (BFD), 70 bytes.
constexpr std::uint8_t kVlanFrame[] = {
    0xe4, 0x6d, 0x7f, 0x54, 0xb9, 0x08, 0x94, 0x43, 0x4d, 0xc0, 0x17, 0x85, 0x81, 0x00,
    0xe0, 0x0b, 0x08, 0x00, 0x45, 0xe0, 0x00, 0x34, 0x9d, 0x41, 0x40, 0x00, 0xff, 0x11,
    0xb1, 0x7e, 0x0b, 0x0b, 0x0b, 0x02, 0x0b, 0x0b, 0x0b, 0x01, 0xc0, 0x00, 0x0e, 0xc8,
    0x00, 0x20, 0x00, 0x00, 0x20, 0xc8, 0x03, 0x18, 0x80, 0x00, 0x00, 0x01, 0x80, 0x00,
    0x00, 0x01, 0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0, 0x00, 0x00, 0x00, 0x00,
};

// 802.1ad_QinQ.pcap frame 1: S-tag 0x88a8 (VID 200), then C-tag 0x8100 (VID 2001), then ARP; 64 bytes.
constexpr std::uint8_t kQinQFrame[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, 0x88, 0xa8, 0x00, 0xc8,
    0x81, 0x00, 0x07, 0xd1, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x20,
    0xd2, 0x5a, 0xfb, 0x3f, 0xac, 0x15, 0x4f, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xac, 0x15,
    0x4f, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/// Two MAC addresses, then `types` (tag TPIDs each followed by a TCI of `tci`, the last one the payload
/// type), then `payload` zero bytes.
std::vector<std::uint8_t> frame_with_types(const std::vector<std::uint16_t>& types, std::size_t payload = 0,
                                           std::uint16_t tci = 0x0001) {
  std::vector<std::uint8_t> f = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
  for (std::size_t i = 0; i < types.size(); ++i) {
    f.push_back(static_cast<std::uint8_t>(types[i] >> 8));
    f.push_back(static_cast<std::uint8_t>(types[i]));
    if (i + 1 < types.size()) {
      f.push_back(static_cast<std::uint8_t>(tci >> 8));
      f.push_back(static_cast<std::uint8_t>(tci));
    }
  }
  f.resize(f.size() + payload, 0);
  return f;
}

TEST(EthernetView, ParsesKnownPacket) {
  auto eth = EthernetView::parse(view(kPlainFrame));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst(), MacAddress::broadcast());
  EXPECT_EQ(eth->src().to_string(), "02:01:00:01:00:00");
  EXPECT_EQ(eth->outer_type(), ether_type::kArp);
  EXPECT_EQ(eth->type(), ether_type::kArp);
  EXPECT_EQ(eth->tag_count(), 0u);
  EXPECT_EQ(eth->header_len(), kEthernetHeaderLen);
  ASSERT_EQ(eth->payload().size(), 28u);
  EXPECT_EQ(eth->payload().data(), view(kPlainFrame).data() + 14);
}

TEST(EthernetView, ReadsTheDestinationInPlace) {
  auto eth = EthernetView::parse(view(kPlainFrame));  // to ff:ff:ff:ff:ff:ff
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst_bits(), MacAddress::kBroadcastBits);
  EXPECT_TRUE(eth->dst_is_group());
  auto unicast = std::vector<std::uint8_t>(std::begin(kPlainFrame), std::end(kPlainFrame));
  unicast[0] = 0x02;
  unicast[5] = 0x07;
  auto u = EthernetView::parse(core::as_bytes(unicast.data(), unicast.size()));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->dst_bits(), MacAddress::parse("02:ff:ff:ff:ff:07")->bits());
  EXPECT_FALSE(u->dst_is_group());
  unicast[0] = 0x01;  // the group bit alone: multicast
  EXPECT_TRUE(EthernetView::parse(core::as_bytes(unicast.data(), unicast.size()))->dst_is_group());
}

TEST(EthernetView, ParsesSingle8021QTag) {
  auto eth = EthernetView::parse(view(kVlanFrame));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst().to_string(), "e4:6d:7f:54:b9:08");
  EXPECT_EQ(eth->src().to_string(), "94:43:4d:c0:17:85");
  EXPECT_EQ(eth->outer_type(), ether_type::kVlan);
  EXPECT_EQ(eth->type(), ether_type::kIpv4);
  ASSERT_EQ(eth->tag_count(), 1u);
  const VlanTag t = eth->tag(0);
  EXPECT_EQ(t.tpid, ether_type::kVlan);
  EXPECT_EQ(t.pcp, 7);
  EXPECT_FALSE(t.dei);
  EXPECT_EQ(t.vid, 11);
  EXPECT_EQ(eth->header_len(), 18u);
  ASSERT_EQ(eth->payload().size(), sizeof kVlanFrame - 18);
  EXPECT_EQ(static_cast<std::uint8_t>(eth->payload()[0]), 0x45);
}

TEST(EthernetView, ParsesQinQOuterServiceTagThenCustomerTag) {
  auto eth = EthernetView::parse(view(kQinQFrame));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->outer_type(), ether_type::kQinQ);
  EXPECT_EQ(eth->type(), ether_type::kArp);
  ASSERT_EQ(eth->tag_count(), 2u);
  EXPECT_EQ(eth->tag(0).tpid, ether_type::kQinQ);
  EXPECT_EQ(eth->tag(0).vid, 200);
  EXPECT_EQ(eth->tag(0).pcp, 0);
  EXPECT_EQ(eth->tag(1).tpid, ether_type::kVlan);
  EXPECT_EQ(eth->tag(1).vid, 2001);
  EXPECT_EQ(eth->header_len(), 22u);
  // The payload keeps the link padding: trimming is IPv4's job (total length), ARP reads its fixed 28 bytes.
  EXPECT_EQ(eth->payload().size(), sizeof kQinQFrame - 22);
  EXPECT_EQ(static_cast<std::uint8_t>(eth->payload()[1]), 0x01);  // ARP hardware type 1
}

TEST(EthernetView, ParsesPreStandard9100Tag) {
  auto f = frame_with_types({ether_type::kQinQOld, ether_type::kVlan, ether_type::kIpv4}, 20);
  auto eth = EthernetView::parse(view(f));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->tag_count(), 2u);
  EXPECT_EQ(eth->tag(0).tpid, ether_type::kQinQOld);
  EXPECT_EQ(eth->type(), ether_type::kIpv4);
}

TEST(EthernetView, DecodesPcpDeiAndVidFromTci) {
  auto f = frame_with_types({ether_type::kVlan, ether_type::kIpv4}, 0, 0xbfff);  // 101 1 111111111111
  auto eth = EthernetView::parse(view(f));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->tag(0).pcp, 5);
  EXPECT_TRUE(eth->tag(0).dei);
  EXPECT_EQ(eth->tag(0).vid, 0x0fff);
}

TEST(EthernetView, AcceptsFourTags) {
  auto f = frame_with_types({0x88a8, 0x8100, 0x8100, 0x8100, ether_type::kIpv4});
  auto eth = EthernetView::parse(view(f));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->tag_count(), kMaxVlanTags);
  EXPECT_EQ(eth->type(), ether_type::kIpv4);
  EXPECT_EQ(eth->header_len(), 14u + 4 * 4);
  EXPECT_TRUE(eth->payload().empty());
}

TEST(EthernetView, RejectsFiveTagsAsTooManyTags) {
  auto f = frame_with_types({0x88a8, 0x8100, 0x8100, 0x8100, 0x8100, ether_type::kIpv4}, 46);
  auto eth = EthernetView::parse(view(f));
  ASSERT_FALSE(eth.ok());
  EXPECT_EQ(eth.error(), Reason::LinkTooManyTags);
}

TEST(EthernetView, RejectsFrameShorterThanHeaderAsTruncated) {
  auto eth = EthernetView::parse(view(kPlainFrame).first(13));
  ASSERT_FALSE(eth.ok());
  EXPECT_EQ(eth.error(), Reason::LinkTruncated);
  EXPECT_EQ(EthernetView::parse(core::Bytes{}).error(), Reason::LinkTruncated);
}

TEST(EthernetView, AcceptsBareFourteenByteHeader) {
  auto eth = EthernetView::parse(view(kPlainFrame).first(14));
  ASSERT_TRUE(eth.ok());
  EXPECT_TRUE(eth->payload().empty());
}

TEST(EthernetView, RejectsFrameWhoseTagIsCutAsTruncated) {
  // The tag's TPID fits in 14 bytes, but its TCI and the inner type do not (15..17 bytes).
  for (std::size_t n = 14; n < 18; ++n) {
    auto eth = EthernetView::parse(view(kVlanFrame).first(n));
    ASSERT_FALSE(eth.ok()) << n << " bytes";
    EXPECT_EQ(eth.error(), Reason::LinkTruncated) << n << " bytes";
  }
  EXPECT_TRUE(EthernetView::parse(view(kVlanFrame).first(18)).ok());
}

TEST(EthernetView, RejectsQinQFrameWhoseInnerTagIsCutAsTruncated) {
  for (std::size_t n = 18; n < 22; ++n)
    EXPECT_EQ(EthernetView::parse(view(kQinQFrame).first(n)).error(), Reason::LinkTruncated) << n << " bytes";
  EXPECT_TRUE(EthernetView::parse(view(kQinQFrame).first(22)).ok());
}

TEST(EthernetHeader, EmitsIdenticalBytes) {
  for (core::Bytes frame : {view(kPlainFrame), view(kVlanFrame), view(kQinQFrame)}) {
    auto eth = EthernetView::parse(frame);
    ASSERT_TRUE(eth.ok());
    const EthernetHeader h = EthernetHeader::from(*eth);
    ASSERT_EQ(h.wire_size(), eth->header_len());
    std::vector<std::uint8_t> out(h.wire_size(), 0xee);
    h.emit(std::as_writable_bytes(std::span(out)));
    EXPECT_EQ(out, to_vec(frame.first(eth->header_len())));
  }
}

TEST(EthernetHeader, RoundTripsThroughParseWithTags) {
  EthernetHeader h;
  h.dst = *MacAddress::parse("01:00:5e:00:00:fb");
  h.src = *MacAddress::parse("52:54:00:12:34:56");
  h.type = ether_type::kIpv6;
  h.tags[0] = VlanTag{ether_type::kQinQ, 3, true, 100};
  h.tags[1] = VlanTag{ether_type::kVlan, 6, false, 4094};
  h.tag_count = 2;
  EXPECT_EQ(h.wire_size(), 22u);

  std::vector<std::uint8_t> out(h.wire_size() + 10, 0);
  h.emit(std::as_writable_bytes(std::span(out)));
  auto eth = EthernetView::parse(view(out));
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst(), h.dst);
  EXPECT_EQ(eth->src(), h.src);
  EXPECT_EQ(eth->type(), h.type);
  ASSERT_EQ(eth->tag_count(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(eth->tag(i).tpid, h.tags[i].tpid);
    EXPECT_EQ(eth->tag(i).pcp, h.tags[i].pcp);
    EXPECT_EQ(eth->tag(i).dei, h.tags[i].dei);
    EXPECT_EQ(eth->tag(i).vid, h.tags[i].vid);
  }
  EXPECT_EQ(eth->payload().size(), 10u);
}

TEST(EthernetHeader, EmitsUntaggedHeaderInFourteenBytes) {
  EthernetHeader h;
  h.dst = MacAddress::broadcast();
  h.src = *MacAddress::parse("02:01:00:01:00:00");
  h.type = ether_type::kArp;
  ASSERT_EQ(h.wire_size(), 14u);
  std::vector<std::uint8_t> out(14);
  h.emit(std::as_writable_bytes(std::span(out)));
  EXPECT_EQ(out, to_vec(view(kPlainFrame).first(14)));
}

TEST(EtherType, TagTypesAreRecognised) {
  EXPECT_TRUE(ether_type::is_tag(0x8100));
  EXPECT_TRUE(ether_type::is_tag(0x88a8));
  EXPECT_TRUE(ether_type::is_tag(0x9100));
  EXPECT_FALSE(ether_type::is_tag(0x0800));
  EXPECT_FALSE(ether_type::is_tag(0x86dd));
}

}  // namespace
}  // namespace strata::wire
