// SPDX-License-Identifier: MIT
// wire::describe: the stepper's packet decode and one-line summaries. Every layer's fields, checksum
// verdicts, truncation reported where parsing stops, and no crash on any bytes.
#include "stack/wire/describe.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/support/frame_builder.hpp"

namespace strata::wire {
namespace {

using test::FrameBuilder;
using test::ip;
using test::mac;
using test::view;

const MacAddress kMacA = mac("02:00:00:00:00:01");
const MacAddress kMacB = mac("02:00:00:00:00:02");

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

#define EXPECT_CONTAINS(text, piece) \
  EXPECT_TRUE(contains(text, piece)) << "missing \"" << (piece) << "\" in:\n" << (text)

TEST(DescribeSummary, ArpRequestReplyAndAnnouncement) {
  EXPECT_EQ(summarize_frame(view(test::arp_request(kMacA, ip("10.0.0.1"), ip("10.0.0.2")))),
            "ARP who-has 10.0.0.2 tell 10.0.0.1");
  EXPECT_EQ(summarize_frame(view(test::arp_reply(kMacB, ip("10.0.0.2"), kMacA, ip("10.0.0.1")))),
            "ARP reply 10.0.0.2 is-at 02:00:00:00:00:02");
  EXPECT_EQ(summarize_frame(view(test::arp_announcement(kMacA, ip("10.0.0.1")))),
            "ARP announce 10.0.0.1 is-at 02:00:00:00:00:01");
}

TEST(DescribeSummary, IcmpEchoAndUdpAndTcp) {
  const auto echo =
      test::icmp_echo_request(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 1, 1, view(test::pattern(56)));
  EXPECT_EQ(summarize_frame(view(echo)), "10.0.0.1 > 10.0.0.2 ICMP echo request id 1 seq 1");
  const auto udp =
      test::udp_frame(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 49152, 7, view(test::pattern(100)));
  EXPECT_EQ(summarize_frame(view(udp)), "10.0.0.1:49152 > 10.0.0.2:7 UDP len 100");
  const auto syn = FrameBuilder()
                       .eth(kMacA, kMacB)
                       .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                       .tcp(40000, 80, 1000, 0, tcp_flag::kSyn, 64240)
                       .bytes();
  EXPECT_EQ(summarize_frame(view(syn)), "10.0.0.1:40000 > 10.0.0.2:80 TCP [S] seq 1000 win 64240 len 0");
}

TEST(DescribeSummary, BytesStartingAboveTheLink) {
  const auto datagram =
      FrameBuilder().ipv4(ip("10.0.0.1"), ip("10.0.0.2")).udp(5000, 53).payload("abc").bytes();
  EXPECT_EQ(summarize_frame(view(datagram), FirstHeader::Ipv4), "10.0.0.1:5000 > 10.0.0.2:53 UDP len 3");
  const auto segment = FrameBuilder().udp(5000, 53).payload("abc").bytes();
  EXPECT_EQ(summarize_frame(view(segment), FirstHeader::Udp), "UDP 5000 > 53 len 3");
  const auto icmp = FrameBuilder().icmp_echo_reply(7, 9).bytes();
  EXPECT_EQ(summarize_frame(view(icmp), FirstHeader::Icmp), "ICMP echo reply id 7 seq 9");
  EXPECT_EQ(summarize_frame(view(test::to_bytes("hello")), FirstHeader::Payload), "data 5 bytes");
}

TEST(DescribeSummary, VlanFragmentAndIcmpError) {
  const auto tagged =
      FrameBuilder().eth(kMacA, kMacB).vlan(100).ipv4(ip("10.0.0.1"), ip("10.0.0.2")).udp(1, 2).bytes();
  EXPECT_EQ(summarize_frame(view(tagged)), "vlan 100, 10.0.0.1:1 > 10.0.0.2:2 UDP len 0");
  const auto frag = FrameBuilder()
                        .eth(kMacA, kMacB)
                        .ipv4(ip("10.0.0.1"), ip("10.0.0.2"), ip_proto::kUdp, 64, 5, 185)
                        .payload(view(test::pattern(40)))
                        .bytes();
  EXPECT_EQ(summarize_frame(view(frag)), "10.0.0.1 > 10.0.0.2 IPv4 fragment id 5 off 1480 len 40 (UDP)");
  const auto quoted = FrameBuilder().ipv4(ip("10.0.0.1"), ip("10.0.0.2")).udp(49152, 9).payload("x").bytes();
  const auto error = FrameBuilder()
                         .eth(kMacB, kMacA)
                         .ipv4(ip("10.0.0.2"), ip("10.0.0.1"))
                         .icmp(icmp_type::kDestUnreachable, icmp_code::kPortUnreachable)
                         .payload(view(quoted))
                         .bytes();
  EXPECT_EQ(summarize_frame(view(error)),
            "10.0.0.2 > 10.0.0.1 ICMP port unreachable (quoting 10.0.0.1:49152 > 10.0.0.2:9 UDP len 1)");
}

TEST(DescribeFrame, EveryIpv4AndIcmpFieldWithChecksumVerdicts) {
  const auto echo =
      test::icmp_echo_request(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, view(test::pattern(56)));
  const std::string text = describe_frame(view(echo));
  for (const char* piece : {"Ethernet II (98 bytes)\n",
                            "    Destination: 02:00:00:00:00:02\n",
                            "    Source: 02:00:00:00:00:01\n",
                            "    Type: IPv4 (0x0800)\n",
                            "Internet Protocol Version 4\n",
                            "    Version: 4\n",
                            "    Header length: 20 bytes (5)\n",
                            "    Total length: 84\n",
                            "    Flags: 0x0 (none)\n",
                            "    Fragment offset: 0 (0 bytes)\n",
                            "    Time to live: 64\n",
                            "    Protocol: ICMP (1)\n",
                            "[correct]",
                            "    Source: 10.0.0.1\n",
                            "    Destination: 10.0.0.2\n",
                            "Internet Control Message Protocol\n",
                            "    Type: 8 (echo request)\n",
                            "    Code: 0\n",
                            "    Identifier: 1 (0x0001)\n",
                            "    Sequence number: 2 (0x0002)\n",
                            "    Data: 56 bytes\n",
                            "0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00   ..............E.\n"})
    EXPECT_CONTAINS(text, piece);
  EXPECT_FALSE(contains(text, "incorrect")) << text;

  const auto bad = FrameBuilder()
                       .eth(kMacA, kMacB)
                       .ipv4(ip("10.0.0.1"), ip("10.0.0.2"), test::kAutoProto, 64, 0, test::kDf)
                       .ip_bad_checksum()
                       .icmp_echo_request(1, 1)
                       .icmp_bad_checksum()
                       .bytes();
  const std::string bad_text = describe_frame(view(bad));
  EXPECT_CONTAINS(bad_text, "    Flags: 0x2 (DF)\n");
  EXPECT_CONTAINS(bad_text, "Header checksum: 0x");
  EXPECT_CONTAINS(bad_text, "[incorrect]\n    Source: 10.0.0.1");
  EXPECT_CONTAINS(bad_text, "Checksum: 0x");
}

TEST(DescribeFrame, UdpChecksumStatesAndArpFields) {
  const auto good =
      test::udp_frame(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 49152, 7, view(test::pattern(10)));
  const std::string text = describe_frame(view(good));
  EXPECT_CONTAINS(
      text, "User Datagram Protocol\n    Source port: 49152\n    Destination port: 7\n    Length: 18\n");
  EXPECT_CONTAINS(text, "[correct]\n    Payload: 10 bytes\n");
  const auto none = FrameBuilder()
                        .eth(kMacA, kMacB)
                        .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                        .udp(1, 2)
                        .udp_no_checksum()
                        .bytes();
  EXPECT_CONTAINS(describe_frame(view(none)), "Checksum: 0x0000 [none]");
  const auto wrong = FrameBuilder()
                         .eth(kMacA, kMacB)
                         .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                         .udp(1, 2)
                         .payload("x")
                         .udp_bad_checksum()
                         .bytes();
  EXPECT_CONTAINS(describe_frame(view(wrong)), "[incorrect]");
  // Without the IPv4 header, the pseudo-header is unknown, unless the caller knows the addresses.
  const auto alone = FrameBuilder().ipv4(ip("10.0.0.1"), ip("10.0.0.2")).udp(1, 2).payload("x").bytes();
  const core::Bytes segment = view(alone).subspan(20);
  EXPECT_CONTAINS(describe_frame(segment, FirstHeader::Udp), "[unverified]");
  EXPECT_CONTAINS(describe_frame(segment, FirstHeader::Udp, ip("10.0.0.1"), ip("10.0.0.2")), "[correct]");
  EXPECT_CONTAINS(describe_frame(segment, FirstHeader::Udp, ip("10.0.0.1"), ip("10.0.0.3")), "[incorrect]");
  EXPECT_EQ(summarize_frame(segment, FirstHeader::Udp, ip("10.0.0.1"), ip("10.0.0.2")),
            "10.0.0.1:1 > 10.0.0.2:2 UDP len 1");
  EXPECT_EQ(ipv4_addresses(view(alone), FirstHeader::Ipv4), (std::pair{ip("10.0.0.1"), ip("10.0.0.2")}));
  EXPECT_EQ(ipv4_addresses(segment, FirstHeader::Udp), std::nullopt);

  const std::string arp = describe_frame(view(test::arp_request(kMacA, ip("10.0.0.1"), ip("10.0.0.2"))));
  for (const char* piece :
       {"    Destination: ff:ff:ff:ff:ff:ff (broadcast)\n", "    Type: ARP (0x0806)\n",
        "Address Resolution Protocol\n", "    Opcode: 1 (request)\n", "    Sender MAC: 02:00:00:00:00:01\n",
        "    Sender IP: 10.0.0.1\n", "    Target MAC: 00:00:00:00:00:00\n", "    Target IP: 10.0.0.2\n"})
    EXPECT_CONTAINS(arp, piece);
}

TEST(DescribeFrame, TcpFlagsAndOptions) {
  TcpOptions options;
  options.mss = 1460;
  options.window_scale = 7;
  options.sack_permitted = true;
  options.timestamps = std::pair<std::uint32_t, std::uint32_t>{100, 0};
  const auto synack = FrameBuilder()
                          .eth(kMacB, kMacA)
                          .ipv4(ip("10.0.0.2"), ip("10.0.0.1"))
                          .tcp(80, 40000, 5000, 1001, tcp_flag::kSyn | tcp_flag::kAck, 65535, options)
                          .bytes();
  const std::string text = describe_frame(view(synack));
  EXPECT_CONTAINS(text, "Transmission Control Protocol\n    Source port: 80\n    Destination port: 40000\n");
  EXPECT_CONTAINS(text, "    Sequence number: 5000\n    Acknowledgment number: 1001\n");
  EXPECT_CONTAINS(text, "    Flags: 0x012 (SYN, ACK)\n");
  EXPECT_CONTAINS(text, "    Window: 65535\n");
  EXPECT_CONTAINS(text, "MSS 1460");
  EXPECT_CONTAINS(text, "window scale 7");
  EXPECT_CONTAINS(text, "SACK permitted");
  EXPECT_CONTAINS(text, "timestamps TSval 100 TSecr 0");
  EXPECT_FALSE(contains(text, "incorrect")) << text;
  EXPECT_EQ(summarize_frame(view(synack)),
            "10.0.0.2:80 > 10.0.0.1:40000 TCP [S.] seq 5000 ack 1001 win 65535 len 0");
}

TEST(DescribeFrame, VlanTagsAndUnknownType) {
  const auto tagged = FrameBuilder()
                          .eth(kMacA, kMacB)
                          .vlan(10, 0, ether_type::kQinQ)
                          .vlan(20, 5)
                          .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                          .udp(1, 2)
                          .bytes();
  const std::string text = describe_frame(view(tagged));
  EXPECT_CONTAINS(text, "    802.1ad tag: TPID 0x88a8, PCP 0, DEI 0, VID 10\n");
  EXPECT_CONTAINS(text, "    802.1Q tag: TPID 0x8100, PCP 5, DEI 0, VID 20\n");
  EXPECT_CONTAINS(text, "User Datagram Protocol");
  const auto v6 = FrameBuilder().eth(kMacA, kMacB, ether_type::kIpv6).payload("0123456789").bytes();
  EXPECT_CONTAINS(describe_frame(view(v6)), "    Type: IPv6 (0x86dd)\nData (10 bytes)\n");
}

TEST(DescribeFrame, TruncationIsReportedWhereParsingStops) {
  const auto udp =
      test::udp_frame(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, view(test::pattern(20)));
  const core::Bytes all = view(udp);
  EXPECT_CONTAINS(describe_frame(all.first(10)),
                  "Ethernet II (10 bytes)\n    [truncated: the header needs 14 bytes, 10 present]\n");
  EXPECT_CONTAINS(describe_frame(all.first(14 + 12)),
                  "Internet Protocol Version 4\n    Version: 4\n    Header length: 20 bytes (5)\n"
                  "    [truncated: the header needs 20 bytes, 12 present]\n");
  const std::string cut_udp = describe_frame(all.first(14 + 20 + 4));
  EXPECT_CONTAINS(cut_udp, "[truncated: the datagram has 48 bytes, 24 present]");
  EXPECT_CONTAINS(cut_udp, "User Datagram Protocol\n    [truncated: the header needs 8 bytes, 4 present]\n");
  EXPECT_EQ(summarize_frame(all.first(14 + 20 + 4)), "10.0.0.1 > 10.0.0.2 UDP [truncated]");
  EXPECT_EQ(summarize_frame(all.first(3)), "Ethernet [truncated]");
  EXPECT_EQ(describe_frame({}),
            "Ethernet II (0 bytes)\n    [truncated: the header needs 14 bytes, 0 present]\n");

  const auto bad_version = FrameBuilder()
                               .eth(kMacA, kMacB)
                               .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                               .udp(1, 2)
                               .ip_version_ihl(0x65)
                               .bytes();
  EXPECT_CONTAINS(describe_frame(view(bad_version)), "    [malformed: version 6, not 4]\n");
  const auto bad_ihl = FrameBuilder()
                           .eth(kMacA, kMacB)
                           .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
                           .udp(1, 2)
                           .ip_version_ihl(0x43)
                           .bytes();
  EXPECT_CONTAINS(describe_frame(view(bad_ihl)), "[malformed: the header length is below 20 bytes]");
}

TEST(DescribeFrame, HexDumpRowsAndAscii) {
  const auto bytes = test::to_bytes("ABCDEFGHIJKLMNOPQRS\x01");
  EXPECT_EQ(hex_dump(view(bytes)),
            "0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50   ABCDEFGHIJKLMNOP\n"
            "0010  51 52 53 01                                        QRS.\n");
  EXPECT_EQ(hex_dump({}), "");
}

// Any bytes at all, from every starting header: no crash, no sanitizer report, some text.
TEST(DescribeFuzz, RandomAndTruncatedFramesNeverCrash) {
  std::mt19937_64 rng(12345);
  const std::vector<test::Frame> seeds = {
      test::arp_request(kMacA, ip("10.0.0.1"), ip("10.0.0.2")),
      test::icmp_echo_request(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 1, 1, view(test::pattern(30))),
      test::udp_frame(kMacA, kMacB, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, view(test::pattern(30))),
      FrameBuilder()
          .eth(kMacA, kMacB)
          .vlan(5)
          .ipv4(ip("10.0.0.1"), ip("10.0.0.2"))
          .tcp(1, 2, 3, 4, 0x12)
          .bytes(),
      FrameBuilder()
          .eth(kMacB, kMacA)
          .ipv4(ip("10.0.0.2"), ip("10.0.0.1"))
          .icmp(icmp_type::kTimeExceeded, 0)
          .payload(view(FrameBuilder().ipv4(ip("10.0.0.1"), ip("10.0.0.9")).tcp(1, 2, 3, 4, 2).bytes()))
          .bytes(),
  };
  const FirstHeader starts[] = {FirstHeader::Ethernet, FirstHeader::Arp, FirstHeader::Ipv4,
                                FirstHeader::Icmp,     FirstHeader::Udp, FirstHeader::Tcp,
                                FirstHeader::Payload};
  std::size_t total = 0;
  for (int round = 0; round < 4000; ++round) {
    test::Frame f = seeds[rng() % seeds.size()];
    // Mutate: flip some bytes, then cut somewhere (every prefix length is reachable).
    const int flips = static_cast<int>(rng() % 6);
    for (int i = 0; i < flips && !f.empty(); ++i)
      f[rng() % f.size()] = std::byte(static_cast<std::uint8_t>(rng()));
    if (rng() % 2) f.resize(rng() % (f.size() + 1));
    if (round % 10 == 0) {  // pure noise
      f.resize(rng() % 128);
      for (auto& b : f) b = std::byte(static_cast<std::uint8_t>(rng()));
    }
    for (auto start : starts) {
      total += describe_frame(view(f), start).size();
      total += summarize_frame(view(f), start).size();
    }
  }
  // Every prefix of every seed, from every start.
  for (const auto& s : seeds)
    for (std::size_t n = 0; n <= s.size(); ++n)
      for (auto start : starts)
        total +=
            describe_frame(view(s).first(n), start).size() + summarize_frame(view(s).first(n), start).size();
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace strata::wire
