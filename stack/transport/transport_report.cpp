// SPDX-License-Identifier: MIT
#include "stack/transport/transport_report.hpp"

#include <algorithm>

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/udp.hpp"

namespace strata::transport {

using R = core::RxReport;

void report_udp(R& r, core::Bytes seg, std::size_t length_by_ip, wire::Ipv4Address src, wire::Ipv4Address dst,
                SegmentSource source) {
  if (seg.size() < 4) return;
  r.has |= R::kUdp;
  r.udp_sport = core::load_be16(seg, 0);
  r.udp_dport = core::load_be16(seg, 2);
  if (seg.size() < 6) return;
  r.has |= R::kUdpLength;
  r.udp_length = core::load_be16(seg, 4);
  if (seg.size() < wire::kUdpHeaderLen || r.udp_length < wire::kUdpHeaderLen) return;
  r.has |= R::kUdpCheck;
  const std::uint16_t checksum = core::load_be16(seg, 6);
  if (checksum == 0) {
    r.udp_check = R::kNotPresent;  // RFC 768: the sender computed none
  } else if (source == SegmentSource::kUnreassembledFragment || r.udp_length > length_by_ip ||
             r.udp_length > seg.size() || (source == SegmentSource::kDatagram && seg.size() < length_by_ip)) {
    r.udp_check = R::kUnverified;
  } else {
    const auto pseudo = wire::pseudo_header_sum(src.value, dst.value, wire::ip_proto::kUdp, r.udp_length);
    r.udp_check = wire::ones_sum(seg.first(r.udp_length), pseudo) == 0xffff ? R::kGood : R::kBad;
  }
}

namespace {
// Options as far as they parse: Wireshark shows the good ones before a malformed one.
void report_tcp_options(R& r, core::Bytes o) {
  std::size_t i = 0;
  while (i < o.size()) {
    const std::uint8_t kind = core::load_u8(o, i);
    if (kind == wire::tcp_option::kEol) break;
    if (kind == wire::tcp_option::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= o.size()) break;
    const std::uint8_t len = core::load_u8(o, i + 1);
    if (len < 2 || i + len > o.size()) break;
    if (kind == wire::tcp_option::kMss && len == 4)
      r.has |= R::kTcpMss, r.tcp_mss = core::load_be16(o, i + 2);
    if (kind == wire::tcp_option::kWindowScale && len == 3)
      r.has |= R::kTcpWscale, r.tcp_wscale = core::load_u8(o, i + 2);
    if (kind == wire::tcp_option::kSackPermitted) r.has |= R::kTcpSackPerm;
    i += len;
  }
}
}  // namespace

void report_tcp(R& r, core::Bytes seg, std::size_t length_by_ip, wire::Ipv4Address src, wire::Ipv4Address dst,
                SegmentSource source) {
  if (seg.size() < 4) return;
  r.has |= R::kTcp;
  r.tcp_sport = core::load_be16(seg, 0);
  r.tcp_dport = core::load_be16(seg, 2);
  if (seg.size() < wire::kTcpMinHeaderLen) return;
  const std::size_t hlen = (core::load_u8(seg, 12) >> 4) * 4u;
  r.tcp_hdr_len = static_cast<std::uint8_t>(hlen);
  r.has |= R::kTcpHdrLen;
  // Wireshark shows an unreassembled fragment with no tcp.len and leaves its checksum unverified
  // (pinfo->fragmented), whatever bytes the capture holds.
  const bool fragment = source == SegmentSource::kUnreassembledFragment;
  const bool quoted = source == SegmentSource::kIcmpQuote;
  if (!quoted) {
    r.has |= R::kTcpSeq;
    r.tcp_seq = core::load_be32(seg, 4);
    // No tcp.len in a fragment nor in a "short segment" (the IP payload ends inside the TCP header).
    if (!fragment && length_by_ip >= hlen) {
      r.has |= R::kTcpLen;
      r.tcp_len = static_cast<std::uint32_t>(length_by_ip - hlen);
    }
  }
  if (hlen < wire::kTcpMinHeaderLen) return;
  r.has |= R::kTcpHeader | R::kTcpCheck;
  r.tcp_ack = core::load_be32(seg, 8);
  r.tcp_flags = core::load_be16(seg, 12) & 0x0fff;
  r.tcp_window = core::load_be16(seg, 14);
  report_tcp_options(
      r, seg.subspan(wire::kTcpMinHeaderLen, std::min(hlen, seg.size()) - wire::kTcpMinHeaderLen));
  if (fragment) {
    r.tcp_check = R::kUnverified;
  } else if (seg.size() >= length_by_ip) {
    // Summed over the segment as the IP header bounds it, even when that ends inside the TCP header
    // (Wireshark checksums whatever the IP payload holds once all of it is captured).
    const auto whole = seg.first(length_by_ip);
    // Wireshark's pseudo-header holds the length in 32 bits (a BIG TCP segment exceeds 16): summed as 16-bit
    // words, that is the length's one's-complement fold.
    const auto pseudo = wire::pseudo_header_sum(src.value, dst.value, wire::ip_proto::kTcp,
                                                wire::ones_fold(static_cast<std::uint32_t>(length_by_ip)));
    r.tcp_check = wire::ones_sum(whole, pseudo) == 0xffff ? R::kGood : R::kBad;
  } else {
    r.tcp_check = quoted ? R::kBad : R::kUnverified;
  }
}

}  // namespace strata::transport
