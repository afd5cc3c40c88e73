// SPDX-License-Identifier: MIT
// FrameBuilder: byte-exact frames for tests, built from the stack's own wire emitters (BLUEPRINT §9).
//
//   auto frame = FrameBuilder()
//                    .eth(peer_mac, our_mac)            // EtherType inferred from what follows
//                    .vlan(42)                          // optional 802.1Q tag(s)
//                    .ipv4(peer_ip, our_ip)             // protocol inferred from the transport below
//                    .udp(5000, 7)
//                    .payload("hello")
//                    .bytes();
//
// Lengths (IPv4 total length, UDP length) and checksums (IPv4 header, UDP/TCP over the pseudo-header, ICMP)
// are computed at bytes(); knobs below override or break each of them on purpose. Without eth() the result is
// the bare IPv4 datagram (or ARP packet). Helpers at the bottom build ARP requests/replies, ICMP echo
// requests and the fragments of a datagram.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "stack/core/bytes.hpp"
#include "stack/wire/addresses.hpp"
#include "stack/wire/arp.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/udp.hpp"
#include "tests/support/bytes.hpp"

// GoogleTest prints addresses as text ("10.0.0.1", "02:00:00:00:00:01") instead of raw bytes.
namespace strata::wire {
inline void PrintTo(const Ipv4Address& a, std::ostream* os) {
  *os << a.to_string();
}
inline void PrintTo(const MacAddress& m, std::ostream* os) {
  *os << m.to_string();
}
inline void PrintTo(const Ipv4Cidr& c, std::ostream* os) {
  *os << c.to_string();
}
}  // namespace strata::wire

namespace strata::test {

/// One frame (or datagram) as owned bytes.
using Frame = std::vector<std::byte>;

// ---- literals -------------------------------------------------------------------------------------------

/// "aa:bb:cc:dd:ee:ff" → MacAddress; throws on a typo (tests only).
inline wire::MacAddress mac(std::string_view text) {
  auto m = wire::MacAddress::parse(text);
  if (!m) throw std::invalid_argument("bad MAC literal");
  return *m;
}
/// "10.0.0.1" → Ipv4Address.
inline wire::Ipv4Address ip(std::string_view text) {
  auto a = wire::Ipv4Address::parse(text);
  if (!a) throw std::invalid_argument("bad IPv4 literal");
  return *a;
}
/// "10.0.0.1/24" → Ipv4Cidr.
inline wire::Ipv4Cidr cidr(std::string_view text) {
  auto c = wire::Ipv4Cidr::parse(text);
  if (!c) throw std::invalid_argument("bad CIDR literal");
  return *c;
}
/// Text as bytes ("hello" → 5 bytes, no terminator).
inline Frame to_bytes(std::string_view text) {
  Frame out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}
/// n bytes 0, 1, 2, ... (mod 256): a payload whose every offset is recognisable.
inline Frame pattern(std::size_t n, std::uint8_t start = 0) {
  Frame out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::byte(static_cast<std::uint8_t>(start + i));
  return out;
}

// IPv4 flags/fragment-offset word (the 16 bits at offset 6): ipv4(..., kDf) or ipv4(..., kMf | (1480 / 8)).
inline constexpr std::uint16_t kDf = 0x4000;
inline constexpr std::uint16_t kMf = 0x2000;
/// Sentinel for "infer it from what follows".
inline constexpr std::uint8_t kAutoProto = 0xff;

class FrameBuilder {
 public:
  // ---- link ----
  /// Ethernet II header. The type, when not given, is 0x0800 (IPv4) or 0x0806 (ARP) from what follows.
  FrameBuilder& eth(wire::MacAddress src, wire::MacAddress dst,
                    std::optional<std::uint16_t> type = std::nullopt) {
    eth_ = wire::EthernetHeader{};
    eth_->src = src;
    eth_->dst = dst;
    eth_type_ = type;
    return *this;
  }
  /// One more 802.1Q tag (0x88a8 for an 802.1ad S-tag), outermost first.
  FrameBuilder& vlan(std::uint16_t id, std::uint8_t pcp = 0, std::uint16_t tpid = wire::ether_type::kVlan) {
    if (!eth_) throw std::logic_error("vlan() needs eth() first");
    if (eth_->tag_count == wire::kMaxVlanTags) throw std::logic_error("too many tags");
    eth_->tags[eth_->tag_count++] = wire::VlanTag{tpid, pcp, false, id};
    return *this;
  }
  /// Pads the finished frame with zeros to at least n bytes (Ethernet minimum: 60 without the FCS).
  FrameBuilder& pad_to(std::size_t n) {
    pad_to_ = n;
    return *this;
  }

  // ---- network ----
  /// ARP packet (the frame's EtherType becomes 0x0806).
  FrameBuilder& arp(wire::ArpOp op, wire::MacAddress sender_mac, wire::Ipv4Address sender_ip,
                    wire::MacAddress target_mac, wire::Ipv4Address target_ip) {
    arp_ = wire::ArpPacket{op, sender_mac, sender_ip, target_mac, target_ip};
    return *this;
  }
  /// IPv4 header. `flags_frag` is the raw flags + fragment offset word: kDf, kMf | offset_in_8_byte_units.
  FrameBuilder& ipv4(wire::Ipv4Address src, wire::Ipv4Address dst, std::uint8_t proto = kAutoProto,
                     std::uint8_t ttl = 64, std::uint16_t ident = 0, std::uint16_t flags_frag = 0) {
    ip_ = wire::Ipv4Header{};
    ip_->src = src;
    ip_->dst = dst;
    ip_->protocol = proto;
    ip_->ttl = ttl;
    ip_->ident = ident;
    ip_->dont_fragment = (flags_frag & kDf) != 0;
    ip_->more_fragments = (flags_frag & kMf) != 0;
    ip_->frag_offset = flags_frag & 0x1fff;
    reserved_flag_ = (flags_frag & 0x8000) != 0;
    return *this;
  }
  FrameBuilder& ip_tos(std::uint8_t tos) {
    need_ip().tos = tos;
    return *this;
  }
  /// IPv4 options (padded with EOL to a multiple of 4).
  FrameBuilder& ip_options(std::vector<std::byte> options) {
    while (options.size() % 4 != 0) options.push_back(std::byte{0});
    ip_options_ = std::move(options);
    return *this;
  }
  /// Writes this total length instead of the computed one.
  FrameBuilder& ip_total_length(std::uint16_t n) {
    ip_total_length_ = n;
    return *this;
  }
  /// Overwrites the version/IHL byte after the checksum is computed (bad version, bad IHL); the checksum is
  /// then recomputed so only that field is wrong.
  FrameBuilder& ip_version_ihl(std::uint8_t v) {
    ip_version_ihl_ = v;
    return *this;
  }
  /// Flips the header checksum so it is wrong.
  FrameBuilder& ip_bad_checksum() {
    ip_bad_checksum_ = true;
    return *this;
  }

  // ---- transport ----
  /// UDP header; length and checksum computed (over the IPv4 pseudo-header when there is an ipv4()).
  FrameBuilder& udp(std::uint16_t sport, std::uint16_t dport) {
    l4_ = L4::Udp;
    udp_ = wire::UdpHeader{sport, dport, 0};
    return *this;
  }
  FrameBuilder& udp_no_checksum() {
    udp_checksum_ = Check::None;
    return *this;
  }
  FrameBuilder& udp_bad_checksum() {
    udp_checksum_ = Check::Bad;
    return *this;
  }
  /// Writes this UDP length field instead of the computed one.
  FrameBuilder& udp_length(std::uint16_t n) {
    udp_length_ = n;
    return *this;
  }
  /// ICMP message: type, code and the 4-byte rest of header; body is payload().
  FrameBuilder& icmp(std::uint8_t type, std::uint8_t code = 0, std::uint32_t rest = 0) {
    l4_ = L4::Icmp;
    icmp_ = wire::Icmpv4Header{type, code, rest};
    return *this;
  }
  FrameBuilder& icmp_echo_request(std::uint16_t id, std::uint16_t seq) {
    return icmp(wire::icmp_type::kEchoRequest, 0, (std::uint32_t{id} << 16) | seq);
  }
  FrameBuilder& icmp_echo_reply(std::uint16_t id, std::uint16_t seq) {
    return icmp(wire::icmp_type::kEchoReply, 0, (std::uint32_t{id} << 16) | seq);
  }
  FrameBuilder& icmp_bad_checksum() {
    icmp_bad_checksum_ = true;
    return *this;
  }
  /// TCP header (flags from wire::tcp_flag); checksum over the pseudo-header.
  FrameBuilder& tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                    std::uint16_t flags, std::uint16_t window = 65535, wire::TcpOptions options = {}) {
    l4_ = L4::Tcp;
    tcp_ = wire::TcpHeader{};
    tcp_.src_port = sport;
    tcp_.dst_port = dport;
    tcp_.seq = seq;
    tcp_.ack = ack;
    tcp_.flags = flags;
    tcp_.window = window;
    tcp_.options = options;
    return *this;
  }

  // ---- payload ----
  FrameBuilder& payload(std::span<const std::byte> data) {
    payload_.assign(data.begin(), data.end());
    return *this;
  }
  FrameBuilder& payload(std::string_view text) { return payload(view(to_bytes(text))); }
  FrameBuilder& payload(std::initializer_list<std::uint8_t> octets) {
    payload_.clear();
    for (auto o : octets) payload_.push_back(std::byte(o));
    return *this;
  }

  // ---- results ----
  /// The transport segment (UDP/TCP/ICMP header + payload, or the payload alone).
  Frame l4_bytes() const {
    Frame seg;
    const wire::Ipv4Address src = ip_ ? ip_->src : wire::Ipv4Address{};
    const wire::Ipv4Address dst = ip_ ? ip_->dst : wire::Ipv4Address{};
    switch (l4_) {
      case L4::None:
        seg = payload_;
        break;
      case L4::Udp: {
        seg.resize(wire::kUdpHeaderLen + payload_.size());
        std::copy(payload_.begin(), payload_.end(), seg.begin() + wire::kUdpHeaderLen);
        wire::UdpHeader h = udp_;
        h.length = static_cast<std::uint16_t>(seg.size());
        h.emit_with_checksum(seg, src, dst);
        if (udp_length_) core::store_be16(seg.data() + 4, *udp_length_);
        if (udp_checksum_ == Check::None) core::store_be16(seg.data() + 6, 0);
        if (udp_checksum_ == Check::Bad)
          core::store_be16(seg.data() + 6,
                           static_cast<std::uint16_t>(core::load_be16(seg.data() + 6) ^ 0x5a5a));
        break;
      }
      case L4::Icmp: {
        seg.resize(wire::kIcmpHeaderLen + payload_.size());
        std::copy(payload_.begin(), payload_.end(), seg.begin() + wire::kIcmpHeaderLen);
        icmp_.emit_with_checksum(seg);
        if (icmp_bad_checksum_)
          core::store_be16(seg.data() + 2,
                           static_cast<std::uint16_t>(core::load_be16(seg.data() + 2) ^ 0x5a5a));
        break;
      }
      case L4::Tcp: {
        const std::size_t hl = tcp_.wire_size();
        seg.resize(hl + payload_.size());
        std::copy(payload_.begin(), payload_.end(), seg.begin() + static_cast<std::ptrdiff_t>(hl));
        tcp_.emit(seg);
        wire::TcpHeader::set_checksum(seg, src, dst);
        break;
      }
    }
    return seg;
  }

  /// The network-layer packet: the IPv4 datagram (header + segment) or the ARP packet.
  Frame l3_bytes() const {
    if (arp_) {
      Frame out(wire::kArpLen);
      arp_->emit(out);
      if (!payload_.empty() && l4_ == L4::None) out.insert(out.end(), payload_.begin(), payload_.end());
      return out;
    }
    if (!ip_) return l4_bytes();
    const Frame seg = l4_bytes();
    wire::Ipv4Header h = *ip_;
    if (h.protocol == kAutoProto) {
      switch (l4_) {
        case L4::Udp:
          h.protocol = wire::ip_proto::kUdp;
          break;
        case L4::Icmp:
          h.protocol = wire::ip_proto::kIcmp;
          break;
        case L4::Tcp:
          h.protocol = wire::ip_proto::kTcp;
          break;
        case L4::None:
          h.protocol = 0xfd;
          break;  // RFC 3692 experimental
      }
    }
    h.options = core::Bytes{ip_options_.data(), ip_options_.size()};
    const std::size_t hl = h.wire_size();
    h.total_length = ip_total_length_ ? *ip_total_length_ : static_cast<std::uint16_t>(hl + seg.size());
    Frame out(hl + seg.size());
    h.emit(out);
    std::copy(seg.begin(), seg.end(), out.begin() + static_cast<std::ptrdiff_t>(hl));
    if (reserved_flag_ || ip_version_ihl_) {
      if (reserved_flag_) out[6] |= std::byte{0x80};
      if (ip_version_ihl_) core::store_u8(out.data(), *ip_version_ihl_);
      fix_ip_checksum(out, hl);
    }
    if (ip_bad_checksum_)
      core::store_be16(out.data() + 10,
                       static_cast<std::uint16_t>(core::load_be16(out.data() + 10) ^ 0x5a5a));
    return out;
  }

  /// The whole frame: Ethernet header (if eth() was called) + l3_bytes(), padded if asked.
  Frame bytes() const { return wrap(l3_bytes()); }

  /// The datagram cut into fragments of at most `chunk` payload bytes each (a multiple of 8 but for the
  /// last), each wrapped in this builder's Ethernet header. The IPv4 header is repeated (options included).
  std::vector<Frame> fragments(std::size_t chunk) const;

  /// Wraps a network-layer packet in this builder's Ethernet header (and tags), padded if asked.
  Frame wrap(const Frame& l3) const {
    Frame out;
    if (eth_) {
      wire::EthernetHeader h = *eth_;
      h.type = eth_type_ ? *eth_type_ : (arp_ ? wire::ether_type::kArp : wire::ether_type::kIpv4);
      out.resize(h.wire_size());
      h.emit(out);
    }
    out.insert(out.end(), l3.begin(), l3.end());
    if (out.size() < pad_to_) out.resize(pad_to_, std::byte{0});
    return out;
  }

  /// Recomputes the IPv4 header checksum of a datagram in place (after a test edited a header field).
  static void fix_ip_checksum(Frame& datagram, std::size_t header_len = 0, std::size_t at = 0) {
    if (header_len == 0) header_len = (core::load_u8(datagram.data() + at) & 0xf) * 4u;
    core::store_be16(datagram.data() + at + 10, 0);
    core::store_be16(datagram.data() + at + 10,
                     wire::internet_checksum(core::Bytes{datagram.data() + at, header_len}));
  }

 private:
  enum class L4 : std::uint8_t { None, Udp, Icmp, Tcp };
  enum class Check : std::uint8_t { Good, None, Bad };
  wire::Ipv4Header& need_ip() {
    if (!ip_) throw std::logic_error("needs ipv4() first");
    return *ip_;
  }

  std::optional<wire::EthernetHeader> eth_;
  std::optional<std::uint16_t> eth_type_;
  std::size_t pad_to_ = 0;
  std::optional<wire::ArpPacket> arp_;
  std::optional<wire::Ipv4Header> ip_;
  Frame ip_options_;
  std::optional<std::uint16_t> ip_total_length_;
  std::optional<std::uint8_t> ip_version_ihl_;
  bool reserved_flag_ = false;
  bool ip_bad_checksum_ = false;
  L4 l4_ = L4::None;
  wire::UdpHeader udp_{};
  Check udp_checksum_ = Check::Good;
  std::optional<std::uint16_t> udp_length_;
  wire::Icmpv4Header icmp_{};
  bool icmp_bad_checksum_ = false;
  wire::TcpHeader tcp_{};
  Frame payload_;
};

// ---- fragments
// ----------------------------------------------------------------------------------------------

/// Cuts a whole IPv4 datagram (no link header) into fragments carrying at most `chunk` payload bytes each
/// (rounded down to a multiple of 8), RFC 791 §3.2: same ident, offsets in 8-byte units, MF on all but the
/// last (kept on the last if the datagram was itself a non-last fragment), checksums recomputed.
inline std::vector<Frame> fragment_ipv4(core::Bytes datagram, std::size_t chunk) {
  auto v = wire::Ipv4View::parse(datagram);
  if (!v) throw std::invalid_argument("fragment_ipv4: not an IPv4 datagram");
  chunk = chunk / 8 * 8;
  if (chunk == 0) throw std::invalid_argument("fragment_ipv4: chunk below 8");
  const auto payload = v->payload();
  wire::Ipv4Header base = wire::Ipv4Header::from(*v);
  std::vector<Frame> out;
  for (std::size_t off = 0; off < payload.size() || (off == 0 && payload.empty()); off += chunk) {
    const std::size_t n = std::min(chunk, payload.size() - off);
    wire::Ipv4Header h = base;
    h.total_length = static_cast<std::uint16_t>(h.wire_size() + n);
    h.frag_offset = static_cast<std::uint16_t>(base.frag_offset + off / 8);
    h.more_fragments = base.more_fragments || off + n < payload.size();
    Frame f(h.wire_size() + n);
    h.emit(f);
    std::memcpy(f.data() + h.wire_size(), payload.data() + off, n);
    out.push_back(std::move(f));
    if (payload.empty()) break;
  }
  return out;
}

inline std::vector<Frame> FrameBuilder::fragments(std::size_t chunk) const {
  const Frame whole = l3_bytes();
  std::vector<Frame> out;
  for (const auto& f : fragment_ipv4(view(whole), chunk)) out.push_back(wrap(f));
  return out;
}

// ---- common frames
// ------------------------------------------------------------------------------------------

/// "Who has target_ip? Tell sender_ip": broadcast, target MAC zero.
inline Frame arp_request(wire::MacAddress sender_mac, wire::Ipv4Address sender_ip,
                         wire::Ipv4Address target_ip) {
  return FrameBuilder()
      .eth(sender_mac, wire::MacAddress::broadcast())
      .arp(wire::ArpOp::Request, sender_mac, sender_ip, wire::MacAddress{}, target_ip)
      .bytes();
}
/// "sender_ip is at sender_mac", unicast to the asker.
inline Frame arp_reply(wire::MacAddress sender_mac, wire::Ipv4Address sender_ip, wire::MacAddress target_mac,
                       wire::Ipv4Address target_ip) {
  return FrameBuilder()
      .eth(sender_mac, target_mac)
      .arp(wire::ArpOp::Reply, sender_mac, sender_ip, target_mac, target_ip)
      .bytes();
}
/// An RFC 5227 announcement: a broadcast request with sender and target both `addr`.
inline Frame arp_announcement(wire::MacAddress sender_mac, wire::Ipv4Address addr) {
  return FrameBuilder()
      .eth(sender_mac, wire::MacAddress::broadcast())
      .arp(wire::ArpOp::Request, sender_mac, addr, wire::MacAddress{}, addr)
      .bytes();
}
/// An ICMP echo request frame.
inline Frame icmp_echo_request(wire::MacAddress src_mac, wire::MacAddress dst_mac, wire::Ipv4Address src,
                               wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                               std::span<const std::byte> data = {}, std::uint8_t ttl = 64) {
  return FrameBuilder()
      .eth(src_mac, dst_mac)
      .ipv4(src, dst, kAutoProto, ttl)
      .icmp_echo_request(id, seq)
      .payload(data)
      .bytes();
}
/// A UDP datagram frame.
inline Frame udp_frame(wire::MacAddress src_mac, wire::MacAddress dst_mac, wire::Ipv4Address src,
                       wire::Ipv4Address dst, std::uint16_t sport, std::uint16_t dport,
                       std::span<const std::byte> data = {}, std::uint8_t ttl = 64, std::uint16_t ident = 0) {
  return FrameBuilder()
      .eth(src_mac, dst_mac)
      .ipv4(src, dst, kAutoProto, ttl, ident)
      .udp(sport, dport)
      .payload(data)
      .bytes();
}

}  // namespace strata::test
