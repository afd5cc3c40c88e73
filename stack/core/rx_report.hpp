// SPDX-License-Identifier: MIT
// RxReport: what each layer parsed out of one received frame, filled only when a reporter asks for it
// (RxFrame::report non-null; `strata replay --json`). Plain integers, no protocol knowledge: the layers that
// parse write the values, the reporter formats them. A `has` bit says whether the frame carried the field.
#pragma once

#include <array>
#include <cstdint>

namespace strata::core {

struct RxReport {
  enum LinkKind : std::uint8_t { kEthernet, kSll, kSll2, kRaw };
  enum Has : std::uint32_t {
    kEth = 1u << 0,
    kVlan = 1u << 1,
    kAd = 1u << 2,
    kSllFields = 1u << 3,
    kArp = 1u << 4,
    kIp = 1u << 5,
    kIcmp = 1u << 6,
    kUdp = 1u << 7,
    kTcp = 1u << 8,
    kTcpMss = 1u << 9,
    kTcpWscale = 1u << 10,
    kTcpSackPerm = 1u << 11,
  };
  /// Checksum status as tshark numbers it.
  enum Check : std::uint8_t { kBad = 0, kGood = 1, kUnverified = 2, kNotPresent = 3 };

  std::uint32_t has = 0;
  LinkKind link = kEthernet;
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
  std::uint16_t ip_len = 0, ip_id = 0, ip_frag_offset = 0;
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
};

}  // namespace strata::core
