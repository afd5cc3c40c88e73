// SPDX-License-Identifier: MIT
#include "stack/wire/describe.hpp"

#include <cstdarg>
#include <cstdio>
#include <optional>
#include <string_view>

#include "stack/wire/addresses.hpp"
#include "stack/wire/arp.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/udp.hpp"

namespace strata::wire {
namespace {

using core::Bytes;
using core::load_be16;
using core::load_be32;
using core::load_u8;

[[gnu::format(printf, 1, 2)]] std::string format(const char* fmt, ...) {
  char small[256];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(small, sizeof small, fmt, args);
  va_end(args);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof small) return std::string(small, static_cast<std::size_t>(n));
  std::string big(static_cast<std::size_t>(n) + 1, '\0');
  va_start(args, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, args);
  va_end(args);
  big.resize(static_cast<std::size_t>(n));
  return big;
}

std::string ip_text(Bytes b, std::size_t off) {
  return Ipv4Address::load(b.data() + off).to_string();
}
std::string mac_text(Bytes b, std::size_t off) {
  return MacAddress::load(b.data() + off).to_string();
}

std::string_view ether_type_name(std::uint16_t t) {
  switch (t) {
    case ether_type::kIpv4:
      return "IPv4";
    case ether_type::kArp:
      return "ARP";
    case ether_type::kRarp:
      return "RARP";
    case ether_type::kVlan:
      return "802.1Q";
    case ether_type::kQinQ:
      return "802.1ad";
    case ether_type::kQinQOld:
      return "802.1Q-in-Q (0x9100)";
    case ether_type::kIpv6:
      return "IPv6";
    default:
      return "unknown";
  }
}

std::string_view ip_proto_name(std::uint8_t p) {
  switch (p) {
    case ip_proto::kIcmp:
      return "ICMP";
    case ip_proto::kIpIp:
      return "IPIP";
    case ip_proto::kTcp:
      return "TCP";
    case ip_proto::kUdp:
      return "UDP";
    case 2:
      return "IGMP";
    case 41:
      return "IPv6";
    case 47:
      return "GRE";
    case 50:
      return "ESP";
    case 89:
      return "OSPF";
    case 132:
      return "SCTP";
    default:
      return "unknown";
  }
}

std::string_view icmp_type_name(std::uint8_t type) {
  switch (type) {
    case icmp_type::kEchoReply:
      return "echo reply";
    case icmp_type::kDestUnreachable:
      return "destination unreachable";
    case icmp_type::kSourceQuench:
      return "source quench";
    case icmp_type::kRedirect:
      return "redirect";
    case icmp_type::kEchoRequest:
      return "echo request";
    case 9:
      return "router advertisement";
    case 10:
      return "router solicitation";
    case icmp_type::kTimeExceeded:
      return "time exceeded";
    case icmp_type::kParameterProblem:
      return "parameter problem";
    case 13:
      return "timestamp request";
    case 14:
      return "timestamp reply";
    default:
      return "unknown type";
  }
}

/// Empty when the type has no named codes or the code is unknown.
std::string_view icmp_code_name(std::uint8_t type, std::uint8_t code) {
  if (type == icmp_type::kDestUnreachable) {
    constexpr std::string_view names[] = {"net unreachable",
                                          "host unreachable",
                                          "protocol unreachable",
                                          "port unreachable",
                                          "fragmentation needed and DF set",
                                          "source route failed",
                                          "destination network unknown",
                                          "destination host unknown",
                                          "source host isolated",
                                          "network administratively prohibited",
                                          "host administratively prohibited",
                                          "network unreachable for TOS",
                                          "host unreachable for TOS",
                                          "communication administratively prohibited",
                                          "host precedence violation",
                                          "precedence cutoff in effect"};
    return code < std::size(names) ? names[code] : std::string_view{};
  }
  if (type == icmp_type::kTimeExceeded) {
    if (code == icmp_code::kTtlExceeded) return "time to live exceeded in transit";
    if (code == icmp_code::kReassemblyExceeded) return "fragment reassembly time exceeded";
  }
  if (type == icmp_type::kRedirect) {
    constexpr std::string_view names[] = {"for network", "for host", "for TOS and network",
                                          "for TOS and host"};
    return code < std::size(names) ? names[code] : std::string_view{};
  }
  return {};
}

/// "SYN, ACK" in tcpdump's bit order, or "none".
std::string tcp_flag_names(std::uint16_t flags) {
  static constexpr std::pair<std::uint16_t, std::string_view> names[] = {
      {tcp_flag::kFin, "FIN"}, {tcp_flag::kSyn, "SYN"}, {tcp_flag::kRst, "RST"},
      {tcp_flag::kPsh, "PSH"}, {tcp_flag::kAck, "ACK"}, {tcp_flag::kUrg, "URG"},
      {tcp_flag::kEce, "ECE"}, {tcp_flag::kCwr, "CWR"}, {tcp_flag::kAe, "AE"}};
  std::string out;
  for (const auto& [bit, name] : names) {
    if ((flags & bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

/// tcpdump's compact form: [S.], [P.], [F.], [R], [.]
std::string tcp_flag_letters(std::uint16_t flags) {
  std::string out;
  if (flags & tcp_flag::kSyn) out += 'S';
  if (flags & tcp_flag::kFin) out += 'F';
  if (flags & tcp_flag::kRst) out += 'R';
  if (flags & tcp_flag::kPsh) out += 'P';
  if (flags & tcp_flag::kUrg) out += 'U';
  if (flags & tcp_flag::kEce) out += 'E';
  if (flags & tcp_flag::kCwr) out += 'W';
  if (flags & tcp_flag::kAck) out += '.';
  return "[" + (out.empty() ? std::string("none") : out) + "]";
}

/// The TCP options as one line; a malformed option ends the walk with a note.
std::string tcp_options_text(Bytes opts) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ", ";
    out += s;
  };
  std::size_t i = 0;
  while (i < opts.size()) {
    const std::uint8_t kind = load_u8(opts, i);
    if (kind == tcp_option::kEol) {
      add("EOL");
      break;
    }
    if (kind == tcp_option::kNop) {
      add("NOP");
      ++i;
      continue;
    }
    if (i + 1 >= opts.size()) {
      add(format("[malformed: option %u has no length byte]", kind));
      break;
    }
    const std::uint8_t len = load_u8(opts, i + 1);
    if (len < 2 || i + len > opts.size()) {
      add(format("[malformed: option %u length %u]", kind, len));
      break;
    }
    const Bytes body = opts.subspan(i + 2, len - 2u);
    if (kind == tcp_option::kMss && len == 4) {
      add(format("MSS %u", load_be16(body, 0)));
    } else if (kind == tcp_option::kWindowScale && len == 3) {
      add(format("window scale %u", load_u8(body, 0)));
    } else if (kind == tcp_option::kSackPermitted && len == 2) {
      add("SACK permitted");
    } else if (kind == tcp_option::kSack && (len - 2) % 8 == 0) {
      std::string blocks = "SACK";
      for (std::size_t k = 0; k + 8 <= body.size(); k += 8)
        blocks += format(" %u-%u", load_be32(body, k), load_be32(body, k + 4));
      add(blocks);
    } else if (kind == tcp_option::kTimestamps && len == 10) {
      add(format("timestamps TSval %u TSecr %u", load_be32(body, 0), load_be32(body, 4)));
    } else if (kind == tcp_option::kMss || kind == tcp_option::kWindowScale ||
               kind == tcp_option::kSackPermitted || kind == tcp_option::kSack ||
               kind == tcp_option::kTimestamps) {
      add(format("[malformed: option %u length %u]", kind, len));
      break;
    } else {
      add(format("option %u (%u bytes)", kind, len));
    }
    i += len;
  }
  return out;
}

/// What the IPv4 layer below tells a transport header: the addresses (for the pseudo-header) and whether
/// every byte of the transport message is here (only then can its checksum be verified).
struct IpContext {
  Ipv4Address src, dst;
  bool complete = true;  // not a fragment, not cut by the buffer
};

bool sum_ok(Bytes b, std::uint16_t initial = 0) {
  return ones_sum(b, initial) == 0xffff;
}

// ---------------------------------------------------------------------------------------------------------------
// Detail view

class Detail {
 public:
  explicit Detail(std::string& out) : out_(out) {}

  void title(int indent, const std::string& text) { line(indent, text); }
  void field(int indent, const std::string& text) { line(indent + 4, text); }
  /// The layer stops here: a header cut short or a value that makes the rest meaningless.
  void stop(int indent, const std::string& why) { line(indent + 4, "[" + why + "]"); }

  void ethernet(Bytes b);
  void by_ether_type(std::uint16_t type, Bytes payload, int indent);
  void arp(Bytes b, int indent);
  void ipv4(Bytes b, int indent, int depth);
  void by_protocol(std::uint8_t proto, Bytes b, const IpContext* ip, int indent, int depth);
  void icmp(Bytes b, const IpContext* ip, int indent, int depth);
  void udp(Bytes b, const IpContext* ip, int indent);
  void tcp(Bytes b, const IpContext* ip, int indent);
  void payload(Bytes b, int indent) {
    if (!b.empty()) title(indent, format("Data (%zu bytes)", b.size()));
  }

 private:
  void line(int indent, const std::string& text) {
    out_.append(static_cast<std::size_t>(indent), ' ');
    out_ += text;
    out_ += '\n';
  }
  std::string& out_;
};

void Detail::ethernet(Bytes b) {
  title(0, format("Ethernet II (%zu bytes)", b.size()));
  if (b.size() < kEthernetHeaderLen) {
    stop(0, format("truncated: the header needs %zu bytes, %zu present", kEthernetHeaderLen, b.size()));
    return;
  }
  const auto dst = MacAddress::load(b.data());
  field(0, "Destination: " + dst.to_string() +
               (dst.is_broadcast()   ? " (broadcast)"
                : dst.is_multicast() ? " (multicast)"
                                     : ""));
  field(0, "Source: " + mac_text(b, 6));
  std::size_t off = 12;
  std::uint16_t type = load_be16(b, off);
  std::size_t tags = 0;
  while (ether_type::is_tag(type)) {
    if (tags == kMaxVlanTags) {
      stop(0, format("malformed: more than %zu VLAN tags", kMaxVlanTags));
      return;
    }
    if (b.size() < off + 2 + kVlanTagLen) {
      stop(0, format("truncated: VLAN tag %zu cut short", tags + 1));
      return;
    }
    const std::uint16_t tci = load_be16(b, off + 2);
    field(0, format("%s tag: TPID 0x%04x, PCP %u, DEI %u, VID %u", std::string(ether_type_name(type)).c_str(),
                    type, tci >> 13, (tci >> 12) & 1u, tci & 0x0fffu));
    ++tags;
    off += kVlanTagLen;
    type = load_be16(b, off);
  }
  field(0, format("Type: %s (0x%04x)", std::string(ether_type_name(type)).c_str(), type));
  by_ether_type(type, b.subspan(off + 2), 0);
}

void Detail::by_ether_type(std::uint16_t type, Bytes payload, int indent) {
  if (type == ether_type::kArp) return arp(payload, indent);
  if (type == ether_type::kIpv4) return ipv4(payload, indent, 0);
  if (type <= 1500) {
    title(indent, format("802.3 length field %u (LLC payload not decoded, %zu bytes)", type, payload.size()));
    return;
  }
  this->payload(payload, indent);
}

void Detail::arp(Bytes b, int indent) {
  title(indent, "Address Resolution Protocol");
  if (b.size() < 8) {
    stop(indent, format("truncated: the fixed part needs 8 bytes, %zu present", b.size()));
    return;
  }
  const std::uint16_t htype = load_be16(b, 0), ptype = load_be16(b, 2), op = load_be16(b, 6);
  const std::uint8_t hlen = load_u8(b, 4), plen = load_u8(b, 5);
  field(indent, format("Hardware type: %u%s", htype, htype == 1 ? " (Ethernet)" : ""));
  field(indent, format("Protocol type: 0x%04x%s", ptype, ptype == ether_type::kIpv4 ? " (IPv4)" : ""));
  field(indent, format("Hardware size: %u", hlen));
  field(indent, format("Protocol size: %u", plen));
  field(indent, format("Opcode: %u%s", op, op == 1 ? " (request)" : op == 2 ? " (reply)" : " (unknown)"));
  if (htype != 1 || ptype != ether_type::kIpv4 || hlen != 6 || plen != 4) {
    stop(indent, "addresses not decoded: only Ethernet/IPv4 ARP is");
    return;
  }
  if (b.size() < kArpLen) {
    stop(indent, format("truncated: the addresses need %zu bytes, %zu present", kArpLen, b.size()));
    return;
  }
  field(indent, "Sender MAC: " + mac_text(b, 8));
  field(indent, "Sender IP: " + ip_text(b, 14));
  field(indent, "Target MAC: " + mac_text(b, 18));
  field(indent, "Target IP: " + ip_text(b, 24));
  if (b.size() > kArpLen) field(indent, format("Padding: %zu bytes", b.size() - kArpLen));
}

void Detail::ipv4(Bytes b, int indent, int depth) {
  title(indent, "Internet Protocol Version 4");
  if (b.empty()) {
    stop(indent, "truncated: no bytes");
    return;
  }
  const std::uint8_t version = load_u8(b, 0) >> 4;
  const std::size_t ihl = (load_u8(b, 0) & 0xfu) * 4u;
  field(indent, format("Version: %u", version));
  if (version != 4) {
    stop(indent, format("malformed: version %u, not 4", version));
    return;
  }
  field(indent, format("Header length: %zu bytes (%zu)", ihl, ihl / 4));
  if (ihl < kIpv4MinHeaderLen) {
    stop(indent, "malformed: the header length is below 20 bytes");
    return;
  }
  if (b.size() < ihl) {
    stop(indent, format("truncated: the header needs %zu bytes, %zu present", ihl, b.size()));
    return;
  }
  const std::uint8_t tos = load_u8(b, 1);
  const std::uint16_t total = load_be16(b, 2), ident = load_be16(b, 4), frag = load_be16(b, 6);
  const std::uint8_t proto = load_u8(b, 9);
  const bool df = (frag & 0x4000) != 0, mf = (frag & 0x2000) != 0, evil = (frag & 0x8000) != 0;
  const std::uint16_t offset = frag & 0x1fff;
  field(indent, format("Type of service: 0x%02x (DSCP %u, ECN %u)", tos, tos >> 2, tos & 3u));
  field(indent, format("Total length: %u", total));
  field(indent, format("Identification: 0x%04x (%u)", ident, ident));
  std::string flags;
  if (evil) flags += "reserved";
  if (df) flags += std::string(flags.empty() ? "" : ", ") + "DF";
  if (mf) flags += std::string(flags.empty() ? "" : ", ") + "MF";
  field(indent, format("Flags: 0x%x (%s)", frag >> 13, flags.empty() ? "none" : flags.c_str()));
  field(indent, format("Fragment offset: %u (%u bytes)", offset, offset * 8u));
  field(indent, format("Time to live: %u", load_u8(b, 8)));
  field(indent, format("Protocol: %s (%u)", std::string(ip_proto_name(proto)).c_str(), proto));
  field(indent, format("Header checksum: 0x%04x [%s]", load_be16(b, 10),
                       sum_ok(b.first(ihl)) ? "correct" : "incorrect"));
  field(indent, "Source: " + ip_text(b, 12));
  field(indent, "Destination: " + ip_text(b, 16));
  if (ihl > kIpv4MinHeaderLen) field(indent, format("Options: %zu bytes", ihl - kIpv4MinHeaderLen));
  if (total < ihl) {
    stop(indent, format("malformed: total length %u is below the header length %zu", total, ihl));
    return;
  }
  Bytes payload = b.subspan(ihl, std::min<std::size_t>(total, b.size()) - ihl);
  if (b.size() < total)
    field(indent, format("[truncated: the datagram has %u bytes, %zu present]", total, b.size()));
  else if (b.size() > total)
    field(indent, format("Trailer (link padding): %zu bytes", b.size() - total));
  if (offset != 0) {
    title(indent, format("Fragment data (%zu bytes at offset %u)", payload.size(), offset * 8u));
    return;
  }
  IpContext ctx{Ipv4Address::load(b.data() + 12), Ipv4Address::load(b.data() + 16), !mf && b.size() >= total};
  by_protocol(proto, payload, &ctx, indent, depth);
}

void Detail::by_protocol(std::uint8_t proto, Bytes b, const IpContext* ip, int indent, int depth) {
  if (proto == ip_proto::kIcmp) return icmp(b, ip, indent, depth);
  if (proto == ip_proto::kUdp) return udp(b, ip, indent);
  if (proto == ip_proto::kTcp) return tcp(b, ip, indent);
  payload(b, indent);
}

void Detail::icmp(Bytes b, const IpContext* ip, int indent, int depth) {
  title(indent, "Internet Control Message Protocol");
  if (b.size() < kIcmpHeaderLen) {
    stop(indent, format("truncated: the header needs %zu bytes, %zu present", kIcmpHeaderLen, b.size()));
    return;
  }
  const std::uint8_t type = load_u8(b, 0), code = load_u8(b, 1);
  field(indent, format("Type: %u (%s)", type, std::string(icmp_type_name(type)).c_str()));
  const auto code_name = icmp_code_name(type, code);
  field(indent, code_name.empty() ? format("Code: %u", code)
                                  : format("Code: %u (%s)", code, std::string(code_name).c_str()));
  const bool verifiable = ip == nullptr || ip->complete;
  field(indent, format("Checksum: 0x%04x [%s]", load_be16(b, 2),
                       !verifiable ? "unverified"
                       : sum_ok(b) ? "correct"
                                   : "incorrect"));
  const Bytes body = b.subspan(kIcmpHeaderLen);
  if (type == icmp_type::kEchoRequest || type == icmp_type::kEchoReply || type == 13 || type == 14) {
    field(indent, format("Identifier: %u (0x%04x)", load_be16(b, 4), load_be16(b, 4)));
    field(indent, format("Sequence number: %u (0x%04x)", load_be16(b, 6), load_be16(b, 6)));
    if (!body.empty()) field(indent, format("Data: %zu bytes", body.size()));
    return;
  }
  if (type == icmp_type::kDestUnreachable && code == icmp_code::kFragmentationNeeded)
    field(indent, format("Next-hop MTU: %u", load_be16(b, 6)));
  else if (type == icmp_type::kRedirect)
    field(indent, "Gateway: " + ip_text(b, 4));
  else if (type == icmp_type::kParameterProblem)
    field(indent, format("Pointer: %u", load_u8(b, 4)));
  if (icmp_type::is_error(type) && depth == 0) {
    // The quoted datagram: its header and the first 8 bytes of its payload (RFC 792). One level only.
    if (body.empty()) return;
    ipv4(body, indent + 4, depth + 1);
    return;
  }
  if (!body.empty()) field(indent, format("Data: %zu bytes", body.size()));
}

void Detail::udp(Bytes b, const IpContext* ip, int indent) {
  title(indent, "User Datagram Protocol");
  if (b.size() < kUdpHeaderLen) {
    stop(indent, format("truncated: the header needs %zu bytes, %zu present", kUdpHeaderLen, b.size()));
    return;
  }
  const std::uint16_t len = load_be16(b, 4), sum = load_be16(b, 6);
  field(indent, format("Source port: %u", load_be16(b, 0)));
  field(indent, format("Destination port: %u", load_be16(b, 2)));
  std::string length = format("Length: %u", len);
  const bool bad_length = len < kUdpHeaderLen || (ip && ip->complete && len > b.size());
  if (len < kUdpHeaderLen)
    length += " [bad: below the 8-byte header]";
  else if (len > b.size())
    length += ip && ip->complete ? " [bad: beyond the IP payload]" : " [truncated]";
  field(indent, length);
  std::string status;
  if (sum == 0)
    status = "none";
  else if (ip == nullptr || !ip->complete || bad_length || len > b.size())
    status = "unverified";
  else
    status = sum_ok(b.first(len), pseudo_header_sum(ip->src.value, ip->dst.value, ip_proto::kUdp, len))
                 ? "correct"
                 : "incorrect";
  field(indent, format("Checksum: 0x%04x [%s]", sum, status.c_str()));
  if (!bad_length) {
    const std::size_t have = std::min<std::size_t>(len, b.size());
    if (have > kUdpHeaderLen) field(indent, format("Payload: %zu bytes", have - kUdpHeaderLen));
  }
}

void Detail::tcp(Bytes b, const IpContext* ip, int indent) {
  title(indent, "Transmission Control Protocol");
  if (b.size() < kTcpMinHeaderLen) {
    stop(indent, format("truncated: the header needs %zu bytes, %zu present", kTcpMinHeaderLen, b.size()));
    return;
  }
  const std::size_t hlen = (load_u8(b, 12) >> 4) * 4u;
  const std::uint16_t flags = load_be16(b, 12) & 0x0fff;
  field(indent, format("Source port: %u", load_be16(b, 0)));
  field(indent, format("Destination port: %u", load_be16(b, 2)));
  field(indent, format("Sequence number: %u", load_be32(b, 4)));
  field(indent, format("Acknowledgment number: %u", load_be32(b, 8)));
  field(indent, format("Header length: %zu bytes (%zu)", hlen, hlen / 4));
  field(indent, format("Flags: 0x%03x (%s)", flags, tcp_flag_names(flags).c_str()));
  field(indent, format("Window: %u", load_be16(b, 14)));
  const bool verifiable = ip != nullptr && ip->complete && hlen >= kTcpMinHeaderLen && hlen <= b.size();
  field(indent, format("Checksum: 0x%04x [%s]", load_be16(b, 16),
                       !verifiable ? "unverified"
                       : sum_ok(b, pseudo_header_sum(ip->src.value, ip->dst.value, ip_proto::kTcp,
                                                     static_cast<std::uint16_t>(b.size())))
                           ? "correct"
                           : "incorrect"));
  field(indent, format("Urgent pointer: %u", load_be16(b, 18)));
  if (hlen < kTcpMinHeaderLen) {
    stop(indent, "malformed: the header length is below 20 bytes");
    return;
  }
  if (hlen > b.size()) {
    stop(indent, format("truncated: the header with options needs %zu bytes, %zu present", hlen, b.size()));
    return;
  }
  if (hlen > kTcpMinHeaderLen)
    field(indent, format("Options (%zu bytes): %s", hlen - kTcpMinHeaderLen,
                         tcp_options_text(b.subspan(kTcpMinHeaderLen, hlen - kTcpMinHeaderLen)).c_str()));
  if (b.size() > hlen) field(indent, format("Payload: %zu bytes", b.size() - hlen));
}

// ---------------------------------------------------------------------------------------------------------------
// One-line summaries

std::string summary_ipv4(Bytes b, int depth);

std::string summary_arp(Bytes b) {
  if (b.size() < 8) return "ARP [truncated]";
  const std::uint16_t op = load_be16(b, 6);
  if (load_be16(b, 0) != 1 || load_be16(b, 2) != ether_type::kIpv4 || load_u8(b, 4) != 6 ||
      load_u8(b, 5) != 4)
    return format("ARP op %u (not Ethernet/IPv4)", op);
  if (b.size() < kArpLen) return "ARP [truncated]";
  const std::string spa = ip_text(b, 14), tpa = ip_text(b, 24);
  if (op == 1) {
    if (spa == tpa) return "ARP announce " + spa + " is-at " + mac_text(b, 8);
    return "ARP who-has " + tpa + " tell " + spa;
  }
  if (op == 2) return "ARP reply " + spa + " is-at " + mac_text(b, 8);
  return format("ARP op %u", op);
}

std::string endpoints(const IpContext* ip, std::uint16_t sport, std::uint16_t dport, std::string_view proto) {
  if (ip == nullptr) return format("%s %u > %u", std::string(proto).c_str(), sport, dport);
  return format("%s:%u > %s:%u %s", ip->src.to_string().c_str(), sport, ip->dst.to_string().c_str(), dport,
                std::string(proto).c_str());
}

std::string summary_icmp(Bytes b, const IpContext* ip, int depth) {
  std::string out = ip ? ip->src.to_string() + " > " + ip->dst.to_string() + " ICMP" : "ICMP";
  if (b.size() < kIcmpHeaderLen) return out + " [truncated]";
  const std::uint8_t type = load_u8(b, 0), code = load_u8(b, 1);
  if (type == icmp_type::kEchoRequest || type == icmp_type::kEchoReply)
    return out + format(" %s id %u seq %u", std::string(icmp_type_name(type)).c_str(), load_be16(b, 4),
                        load_be16(b, 6));
  const auto code_name = icmp_code_name(type, code);
  if (!code_name.empty())
    out += " " + std::string(code_name);
  else
    out += format(" %s code %u", std::string(icmp_type_name(type)).c_str(), code);
  if (type == icmp_type::kDestUnreachable && code == icmp_code::kFragmentationNeeded)
    out += format(" (mtu %u)", load_be16(b, 6));
  if (icmp_type::is_error(type) && depth == 0 && b.size() > kIcmpHeaderLen)
    out += " (quoting " + summary_ipv4(b.subspan(kIcmpHeaderLen), depth + 1) + ")";
  return out;
}

std::string summary_udp(Bytes b, const IpContext* ip) {
  if (b.size() < kUdpHeaderLen)
    return (ip ? ip->src.to_string() + " > " + ip->dst.to_string() + " " : "") + "UDP [truncated]";
  const std::uint16_t len = load_be16(b, 4);
  std::string out = endpoints(ip, load_be16(b, 0), load_be16(b, 2), "UDP");
  if (len < kUdpHeaderLen) return out + format(" [bad length %u]", len);
  return out + format(" len %u", len - static_cast<unsigned>(kUdpHeaderLen));
}

std::string summary_tcp(Bytes b, const IpContext* ip) {
  if (b.size() < kTcpMinHeaderLen)
    return (ip ? ip->src.to_string() + " > " + ip->dst.to_string() + " " : "") + "TCP [truncated]";
  const std::size_t hlen = (load_u8(b, 12) >> 4) * 4u;
  const std::uint16_t flags = load_be16(b, 12) & 0x0fff;
  std::string out = endpoints(ip, load_be16(b, 0), load_be16(b, 2), "TCP") + " " + tcp_flag_letters(flags);
  out += format(" seq %u", load_be32(b, 4));
  if (flags & tcp_flag::kAck) out += format(" ack %u", load_be32(b, 8));
  out += format(" win %u", load_be16(b, 14));
  if (hlen < kTcpMinHeaderLen || hlen > b.size()) return out + " [bad header length]";
  return out + format(" len %zu", b.size() - hlen);
}

std::string summary_by_protocol(std::uint8_t proto, Bytes b, const IpContext* ip, int depth) {
  if (proto == ip_proto::kIcmp) return summary_icmp(b, ip, depth);
  if (proto == ip_proto::kUdp) return summary_udp(b, ip);
  if (proto == ip_proto::kTcp) return summary_tcp(b, ip);
  const std::string name(ip_proto_name(proto));
  return (ip ? ip->src.to_string() + " > " + ip->dst.to_string() + " " : "") +
         format("IPv4 proto %s (%u) len %zu", name.c_str(), proto, b.size());
}

std::string summary_ipv4(Bytes b, int depth) {
  if (b.size() < kIpv4MinHeaderLen) return "IPv4 [truncated]";
  const std::uint8_t version = load_u8(b, 0) >> 4;
  const std::size_t ihl = (load_u8(b, 0) & 0xfu) * 4u;
  if (version != 4) return format("IPv4 [bad version %u]", version);
  if (ihl < kIpv4MinHeaderLen) return "IPv4 [bad header length]";
  if (b.size() < ihl) return "IPv4 [truncated]";
  const std::uint16_t total = load_be16(b, 2), frag = load_be16(b, 6);
  if (total < ihl)
    return ip_text(b, 12) + " > " + ip_text(b, 16) + format(" IPv4 [bad total length %u]", total);
  const std::uint8_t proto = load_u8(b, 9);
  const Bytes payload = b.subspan(ihl, std::min<std::size_t>(total, b.size()) - ihl);
  const std::uint16_t offset = frag & 0x1fff;
  const bool mf = (frag & 0x2000) != 0;
  if (offset != 0)
    return ip_text(b, 12) + " > " + ip_text(b, 16) +
           format(" IPv4 fragment id %u off %u len %zu%s (%s)", load_be16(b, 4), offset * 8u, total - ihl,
                  mf ? " MF" : "", std::string(ip_proto_name(proto)).c_str());
  IpContext ctx{Ipv4Address::load(b.data() + 12), Ipv4Address::load(b.data() + 16), !mf && b.size() >= total};
  std::string out = summary_by_protocol(proto, payload, &ctx, depth);
  if (mf) out += format(" (first fragment, id %u)", load_be16(b, 4));
  if (b.size() < total && depth == 0 && !out.ends_with("[truncated]")) out += " [truncated]";
  return out;
}

std::string summary_ethernet(Bytes b) {
  if (b.size() < kEthernetHeaderLen) return "Ethernet [truncated]";
  std::string prefix;
  std::size_t off = 12;
  std::uint16_t type = load_be16(b, off);
  std::size_t tags = 0;
  while (ether_type::is_tag(type)) {
    if (tags == kMaxVlanTags) return prefix + "[too many VLAN tags]";
    if (b.size() < off + 2 + kVlanTagLen) return prefix + "Ethernet [truncated VLAN tag]";
    prefix += format("vlan %u, ", load_be16(b, off + 2) & 0x0fffu);
    ++tags;
    off += kVlanTagLen;
    type = load_be16(b, off);
  }
  const Bytes payload = b.subspan(off + 2);
  if (type == ether_type::kArp) return prefix + summary_arp(payload);
  if (type == ether_type::kIpv4) return prefix + summary_ipv4(payload, 0);
  return prefix + "Ethernet " + mac_text(b, 6) + " > " + mac_text(b, 0) +
         format(" type %s (0x%04x) len %zu", std::string(ether_type_name(type)).c_str(), type,
                payload.size());
}

}  // namespace

std::string describe_headers(Bytes bytes, FirstHeader first) {
  std::string out;
  Detail d(out);
  switch (first) {
    case FirstHeader::Ethernet:
      d.ethernet(bytes);
      break;
    case FirstHeader::Arp:
      d.arp(bytes, 0);
      break;
    case FirstHeader::Ipv4:
      d.ipv4(bytes, 0, 0);
      break;
    case FirstHeader::Icmp:
      d.icmp(bytes, nullptr, 0, 0);
      break;
    case FirstHeader::Udp:
      d.udp(bytes, nullptr, 0);
      break;
    case FirstHeader::Tcp:
      d.tcp(bytes, nullptr, 0);
      break;
    case FirstHeader::Payload:
      d.payload(bytes, 0);
      break;
  }
  return out;
}

std::string describe_frame(Bytes bytes, FirstHeader first) {
  std::string out = describe_headers(bytes, first);
  if (!bytes.empty()) {
    out += '\n';
    out += hex_dump(bytes);
  }
  return out;
}

std::string describe_frame(Bytes bytes, FirstHeader first, Ipv4Address src, Ipv4Address dst) {
  const IpContext ip{src, dst, true};
  std::string out;
  Detail d(out);
  switch (first) {
    case FirstHeader::Icmp:
      d.icmp(bytes, &ip, 0, 0);
      break;
    case FirstHeader::Udp:
      d.udp(bytes, &ip, 0);
      break;
    case FirstHeader::Tcp:
      d.tcp(bytes, &ip, 0);
      break;
    default:
      return describe_frame(bytes, first);
  }
  if (!bytes.empty()) {
    out += '\n';
    out += hex_dump(bytes);
  }
  return out;
}

std::string summarize_frame(Bytes bytes, FirstHeader first) {
  switch (first) {
    case FirstHeader::Ethernet:
      return summary_ethernet(bytes);
    case FirstHeader::Arp:
      return summary_arp(bytes);
    case FirstHeader::Ipv4:
      return summary_ipv4(bytes, 0);
    case FirstHeader::Icmp:
      return summary_icmp(bytes, nullptr, 0);
    case FirstHeader::Udp:
      return summary_udp(bytes, nullptr);
    case FirstHeader::Tcp:
      return summary_tcp(bytes, nullptr);
    case FirstHeader::Payload:
      return format("data %zu bytes", bytes.size());
  }
  return {};
}

std::string summarize_frame(Bytes bytes, FirstHeader first, Ipv4Address src, Ipv4Address dst) {
  const IpContext ip{src, dst, false};
  switch (first) {
    case FirstHeader::Icmp:
      return summary_icmp(bytes, &ip, 0);
    case FirstHeader::Udp:
      return summary_udp(bytes, &ip);
    case FirstHeader::Tcp:
      return summary_tcp(bytes, &ip);
    default:
      return summarize_frame(bytes, first);
  }
}

std::optional<std::pair<Ipv4Address, Ipv4Address>> ipv4_addresses(Bytes bytes, FirstHeader first) {
  Bytes ip = bytes;
  if (first == FirstHeader::Ethernet) {
    if (bytes.size() < kEthernetHeaderLen) return std::nullopt;
    std::size_t off = 12;
    std::uint16_t type = load_be16(bytes, off);
    for (std::size_t tags = 0; ether_type::is_tag(type); ++tags) {
      if (tags == kMaxVlanTags || bytes.size() < off + 2 + kVlanTagLen) return std::nullopt;
      off += kVlanTagLen;
      type = load_be16(bytes, off);
    }
    if (type != ether_type::kIpv4) return std::nullopt;
    ip = bytes.subspan(off + 2);
  } else if (first != FirstHeader::Ipv4) {
    return std::nullopt;
  }
  if (ip.size() < kIpv4MinHeaderLen || (load_u8(ip, 0) >> 4) != 4) return std::nullopt;
  return std::pair{Ipv4Address::load(ip.data() + 12), Ipv4Address::load(ip.data() + 16)};
}

std::string hex_dump(Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve((bytes.size() / 16 + 1) * 76);
  for (std::size_t row = 0; row < bytes.size(); row += 16) {
    out += format("%04zx  ", row);
    const std::size_t n = std::min<std::size_t>(16, bytes.size() - row);
    for (std::size_t i = 0; i < 16; ++i) {
      if (i == 8) out += ' ';
      if (i < n) {
        const auto v = static_cast<std::uint8_t>(bytes[row + i]);
        out += kDigits[v >> 4];
        out += kDigits[v & 0xf];
        out += ' ';
      } else {
        out += "   ";
      }
    }
    out += "  ";
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = static_cast<std::uint8_t>(bytes[row + i]);
      out += v >= 0x20 && v < 0x7f ? static_cast<char>(v) : '.';
    }
    out += '\n';
  }
  return out;
}

}  // namespace strata::wire
