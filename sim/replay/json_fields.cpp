// SPDX-License-Identifier: MIT
#include "sim/replay/json_fields.hpp"

#include <charconv>

namespace strata::sim {

namespace {

class Line {
 public:
  explicit Line(std::string& out) : out_(out) { out_ += '{'; }
  ~Line() { out_ += "}\n"; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void num(std::string_view k, std::uint64_t v) {
    key(k);
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out_.append(buf, end);
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    out_ += '"';
    out_ += v;
    out_ += '"';
  }
  void hex4(std::string_view k, std::uint16_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[6] = {'0',          'x', kHex[(v >> 12) & 0xf], kHex[(v >> 8) & 0xf], kHex[(v >> 4) & 0xf],
                   kHex[v & 0xf]};
    str(k, std::string_view(buf, 6));
  }
  void mac(std::string_view k, const std::array<std::uint8_t, 6>& m) {
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[17];
    for (int i = 0; i < 6; ++i) {
      buf[i * 3] = kHex[m[i] >> 4];
      buf[i * 3 + 1] = kHex[m[i] & 0xf];
      if (i < 5) buf[i * 3 + 2] = ':';
    }
    str(k, std::string_view(buf, 17));
  }
  void ipv4(std::string_view k, std::uint32_t a) {
    // Hand-rolled: this runs for every packet of a --json replay.
    char buf[16];
    std::size_t n = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
      unsigned o = (a >> shift) & 0xff;
      if (o >= 100) buf[n++] = static_cast<char>('0' + o / 100);
      if (o >= 10) buf[n++] = static_cast<char>('0' + o / 10 % 10);
      buf[n++] = static_cast<char>('0' + o % 10);
      if (shift) buf[n++] = '.';
    }
    str(k, std::string_view(buf, n));
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_json(std::string& out, const FrameInfo& fr, const core::RxReport& r, const RxOutcome& o) {
  using R = core::RxReport;
  Line l(out);
  l.num("frame.number", fr.number);
  l.num("frame.len", fr.wire_len);
  {
    const auto ns = core::to_ns(fr.time);
    char buf[40];
    auto secs = ns / 1'000'000'000, frac = ns % 1'000'000'000;
    if (frac < 0) frac += 1'000'000'000, --secs;
    char* p = std::to_chars(buf, buf + sizeof buf, secs).ptr;
    *p++ = '.';
    char digits[9];
    for (int i = 8; i >= 0; --i) digits[i] = static_cast<char>('0' + frac % 10), frac /= 10;
    for (char d : digits) *p++ = d;
    l.str("frame.time_epoch", std::string_view(buf, p - buf));
  }
  const auto has = [&r](std::uint64_t bits) { return (r.has & bits) != 0; };
  if (has(R::kEth)) {
    l.mac("eth.src", r.eth_src);
    l.mac("eth.dst", r.eth_dst);
  }
  if (has(R::kEthType)) l.hex4("eth.type", r.eth_type);
  if (has(R::kAd)) l.num("ieee8021ad.id", r.ad_id);
  if (has(R::kVlan)) l.num("vlan.id", r.vlan_id);
  if (has(R::kSllType)) l.num("sll.pkttype", r.sll_pkttype);
  if (has(R::kSllEtype)) l.num("sll.etype", r.sll_etype);  // a number: only eth.type, tcp.flags are hex
  if (has(R::kArp)) l.num("arp.opcode", r.arp_opcode);
  if (has(R::kArpIpv4)) {
    l.ipv4("arp.src.proto_ipv4", r.arp_spa);
    l.ipv4("arp.dst.proto_ipv4", r.arp_tpa);
  }
  if (has(R::kIpSrc)) l.ipv4("ip.src", r.ip_src);
  if (has(R::kIpDst)) l.ipv4("ip.dst", r.ip_dst);
  if (has(R::kIpProto)) l.num("ip.proto", r.ip_proto);
  if (has(R::kIpTtl)) l.num("ip.ttl", r.ip_ttl);
  if (has(R::kIpLen)) l.num("ip.len", r.ip_len);
  if (has(R::kIpId)) l.num("ip.id", r.ip_id);
  if (has(R::kIpFlags)) {
    l.num("ip.flags.df", r.ip_df);
    l.num("ip.flags.mf", r.ip_mf);
    l.num("ip.frag_offset", r.ip_frag_offset);
  }
  if (has(R::kIpHdrLen)) l.num("ip.hdr_len", r.ip_hdr_len);
  if (has(R::kIpCheck)) l.num("ip.checksum.status", r.ip_check);
  if (has(R::kIcmp)) {
    l.num("icmp.type", r.icmp_type);
    l.num("icmp.code", r.icmp_code);
  }
  if (has(R::kUdp)) {
    l.num("udp.srcport", r.udp_sport);
    l.num("udp.dstport", r.udp_dport);
  }
  if (has(R::kUdpLength)) l.num("udp.length", r.udp_length);
  if (has(R::kUdpCheck)) l.num("udp.checksum.status", r.udp_check);
  if (has(R::kTcp)) {
    l.num("tcp.srcport", r.tcp_sport);
    l.num("tcp.dstport", r.tcp_dport);
  }
  if (has(R::kTcpSeq)) l.num("tcp.seq_raw", r.tcp_seq);
  if (has(R::kTcpHeader)) {
    l.num("tcp.ack_raw", r.tcp_ack);
    l.hex4("tcp.flags", r.tcp_flags);
    l.num("tcp.window_size_value", r.tcp_window);
  }
  if (has(R::kTcpHdrLen)) l.num("tcp.hdr_len", r.tcp_hdr_len);
  if (has(R::kTcpLen)) l.num("tcp.len", r.tcp_len);
  if (has(R::kTcpMss)) l.num("tcp.options.mss_val", r.tcp_mss);
  if (has(R::kTcpWscale)) l.num("tcp.options.wscale.shift", r.tcp_wscale);
  if (has(R::kTcpSackPerm)) l.num("tcp.options.sack_perm", 1);
  if (has(R::kTcpCheck)) l.num("tcp.checksum.status", r.tcp_check);
  l.str("strata.layer", core::name(o.layer));
  l.str("strata.verdict", core::name(o.verdict));
  if (o.verdict == core::Verdict::Drop) l.str("strata.reason", core::name(o.reason));
}

}  // namespace strata::sim
