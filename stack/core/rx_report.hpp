// SPDX-License-Identifier: MIT
// RxReport: what each layer parsed out of one received frame, filled only when a reporter asks for it
// (RxFrame::report non-null; `strata replay --json`). Plain integers, no protocol knowledge: the layers that
// parse write the values, the reporter formats them. A `has` bit per field says whether the frame carried it:
// a header cut short by the capture reports the fields whose bytes are there, as Wireshark does.
#pragma once

#include <array>
#include <cstdint>

namespace strata::core {

struct RxReport {
  enum LinkKind : std::uint8_t { kEthernet, kSll, kSll2, kRaw, kOther };
  enum Has : std::uint64_t {
    kEth = 1u << 0,      // eth.src, eth.dst
    kEthType = 1u << 1,  // eth.type (absent for 802.3 length frames)
    kVlan = 1u << 2,
    kAd = 1u << 3,
    kSllType = 1u << 4,   // sll.pkttype
    kSllEtype = 1u << 5,  // sll.etype
    kArp = 1u << 6,       // arp.opcode
    kArpIpv4 = 1u << 7,   // arp.src/dst.proto_ipv4
    kIpHdrLen = 1u << 8,
    kIpLen = 1u << 9,
    kIpId = 1u << 10,
    kIpFlags = 1u << 11,  // ip.flags.df, ip.flags.mf, ip.frag_offset
    kIpTtl = 1u << 12,
    kIpProto = 1u << 13,
    kIpCheck = 1u << 14,
    kIpSrc = 1u << 15,
    kIpDst = 1u << 16,
    kIcmp = 1u << 17,  // icmp.type, icmp.code
    kUdp = 1u << 18,   // ports
    kUdpLength = 1u << 19,
    kUdpCheck = 1u << 20,
    kTcp = 1u << 21,        // ports
    kTcpSeq = 1u << 22,     // tcp.seq_raw
    kTcpHeader = 1u << 23,  // tcp.ack_raw, tcp.flags, tcp.window_size_value
    kTcpCheck = 1u << 24,
    kTcpMss = 1u << 25,
    kTcpWscale = 1u << 26,
    kTcpSackPerm = 1u << 27,
    kTcpHdrLen = 1u << 28,
    kTcpLen = 1u << 29,
    kIpAny = kIpHdrLen | kIpLen | kIpId | kIpFlags | kIpTtl | kIpProto | kIpCheck | kIpSrc | kIpDst,
  };
  /// Checksum status as tshark numbers it.
  enum Check : std::uint8_t { kBad = 0, kGood = 1, kUnverified = 2, kNotPresent = 3 };

  std::uint64_t has = 0;
  LinkKind link = kEthernet;
  // Set by the reporter, not by a layer: the frame's length on the wire (the capture may hold fewer bytes).
  // 0: unknown, the captured bytes stand for it.
  std::uint32_t frame_len = 0;
  // link
  std::array<std::uint8_t, 6> eth_src{}, eth_dst{};
  std::uint16_t eth_type = 0;  // outermost
  std::uint16_t vlan_id = 0, ad_id = 0;
  std::uint16_t sll_pkttype = 0, sll_etype = 0;
  // arp
  std::uint16_t arp_opcode = 0;
  std::uint32_t arp_spa = 0, arp_tpa = 0;
  // ipv4 (the first IPv4 header of the frame)
  std::uint32_t ip_src = 0, ip_dst = 0;
  std::uint8_t ip_proto = 0, ip_ttl = 0, ip_hdr_len = 0, ip_df = 0, ip_mf = 0;
  std::uint32_t ip_len = 0;  // above 65535 for a TSO super-packet (BIG TCP): its length on the wire
  std::uint16_t ip_id = 0, ip_frag_offset = 0;
  Check ip_check = kUnverified;
  // icmp
  std::uint8_t icmp_type = 0, icmp_code = 0;
  // udp
  std::uint16_t udp_sport = 0, udp_dport = 0, udp_length = 0;
  Check udp_check = kUnverified;
  // tcp
  std::uint16_t tcp_sport = 0, tcp_dport = 0, tcp_flags = 0, tcp_window = 0;
  std::uint32_t tcp_seq = 0, tcp_ack = 0, tcp_len = 0;
  std::uint8_t tcp_hdr_len = 0, tcp_wscale = 0;
  std::uint16_t tcp_mss = 0;
  Check tcp_check = kUnverified;

  void clear() { *this = RxReport{}; }
  bool has_any(std::uint64_t bits) const { return (has & bits) != 0; }
};

}  // namespace strata::core
