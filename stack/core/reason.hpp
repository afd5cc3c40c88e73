// SPDX-License-Identifier: MIT
// Reason: why a layer dropped, queued or refused a packet. The names are a contract: they appear as
// `strata.reason` in `strata replay --json` and, prefixed with "drop.", in counters
// (`ipv4.drop.bad_checksum`). One table holds every reason so counters, traces and JSON cannot disagree.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace strata::core {

enum class Reason : std::uint8_t {
  None,
  // NIC / capture
  NicNoBuffer,
  NicMtuExceeded,
  NicQueueFull,
  // link (Ethernet, SLL, raw)
  LinkTruncated,
  LinkUnsupportedType,
  LinkNotForUs,
  LinkTooManyTags,
  // ARP
  ArpTruncated,
  ArpUnsupportedHardware,
  ArpUnsupportedProtocol,
  ArpBadOpcode,
  ArpNotForUs,
  ArpQueueFull,
  ArpUnresolved,
  ArpRarp,  // a Reverse ARP packet (RFC 903): reported as ARP, not acted on
  // IPv4
  Ipv4Truncated,
  Ipv4BadVersion,
  Ipv4BadHeaderLength,
  Ipv4BadTotalLength,
  Ipv4BadChecksum,
  Ipv4BadSource,
  Ipv4NotForUs,
  Ipv4TtlExceeded,
  Ipv4NoRoute,
  Ipv4UnknownProtocol,
  Ipv4FragmentOverlap,
  Ipv4FragmentDuplicate,
  Ipv4FragmentTooLarge,
  Ipv4BadFragment,
  Ipv4TooManyFragments,
  Ipv4ReassemblyTimeout,
  Ipv4ReassemblyMemory,
  Ipv4FragmentNeeded,
  Ipv4ForwardingDisabled,
  Ipv4LinkBroadcast,
  // ICMP
  IcmpTruncated,
  IcmpBadChecksum,
  IcmpUnknownType,
  IcmpRateLimited,
  IcmpBadQuote,
  IcmpQueueFull,  // a ping socket's receive queue
  // UDP
  UdpTruncated,
  UdpBadLength,
  UdpBadChecksum,
  UdpPortUnreachable,
  UdpQueueFull,
  // TCP
  TcpTruncated,
  TcpBadHeaderLength,
  TcpTruncatedOptions,
  TcpBadChecksum,
  TcpNoSocket,
  kCount
};

struct ReasonInfo {
  Reason reason;
  std::string_view name;  // "layer.reason"
};

inline constexpr std::array<ReasonInfo, static_cast<std::size_t>(Reason::kCount)> kReasonTable{{
    {Reason::None, "none"},
    {Reason::NicNoBuffer, "nic.no_buffer"},
    {Reason::NicMtuExceeded, "nic.mtu_exceeded"},
    {Reason::NicQueueFull, "nic.queue_full"},
    {Reason::LinkTruncated, "link.truncated"},
    {Reason::LinkUnsupportedType, "link.unsupported_type"},
    {Reason::LinkNotForUs, "link.not_for_us"},
    {Reason::LinkTooManyTags, "link.too_many_tags"},
    {Reason::ArpTruncated, "arp.truncated"},
    {Reason::ArpUnsupportedHardware, "arp.unsupported_hardware"},
    {Reason::ArpUnsupportedProtocol, "arp.unsupported_protocol"},
    {Reason::ArpBadOpcode, "arp.bad_opcode"},
    {Reason::ArpNotForUs, "arp.not_for_us"},
    {Reason::ArpQueueFull, "arp.queue_full"},
    {Reason::ArpUnresolved, "arp.unresolved"},
    {Reason::ArpRarp, "arp.rarp"},
    {Reason::Ipv4Truncated, "ipv4.truncated"},
    {Reason::Ipv4BadVersion, "ipv4.bad_version"},
    {Reason::Ipv4BadHeaderLength, "ipv4.bad_header_length"},
    {Reason::Ipv4BadTotalLength, "ipv4.bad_total_length"},
    {Reason::Ipv4BadChecksum, "ipv4.bad_checksum"},
    {Reason::Ipv4BadSource, "ipv4.bad_source"},
    {Reason::Ipv4NotForUs, "ipv4.not_for_us"},
    {Reason::Ipv4TtlExceeded, "ipv4.ttl_exceeded"},
    {Reason::Ipv4NoRoute, "ipv4.no_route"},
    {Reason::Ipv4UnknownProtocol, "ipv4.unknown_protocol"},
    {Reason::Ipv4FragmentOverlap, "ipv4.fragment_overlap"},
    {Reason::Ipv4FragmentDuplicate, "ipv4.fragment_duplicate"},
    {Reason::Ipv4FragmentTooLarge, "ipv4.fragment_too_large"},
    {Reason::Ipv4BadFragment, "ipv4.bad_fragment"},
    {Reason::Ipv4TooManyFragments, "ipv4.too_many_fragments"},
    {Reason::Ipv4ReassemblyTimeout, "ipv4.reassembly_timeout"},
    {Reason::Ipv4ReassemblyMemory, "ipv4.reassembly_memory"},
    {Reason::Ipv4FragmentNeeded, "ipv4.fragment_needed"},
    {Reason::Ipv4ForwardingDisabled, "ipv4.forwarding_disabled"},
    {Reason::Ipv4LinkBroadcast, "ipv4.link_broadcast"},
    {Reason::IcmpTruncated, "icmp.truncated"},
    {Reason::IcmpBadChecksum, "icmp.bad_checksum"},
    {Reason::IcmpUnknownType, "icmp.unknown_type"},
    {Reason::IcmpRateLimited, "icmp.rate_limited"},
    {Reason::IcmpBadQuote, "icmp.bad_quote"},
    {Reason::IcmpQueueFull, "icmp.queue_full"},
    {Reason::UdpTruncated, "udp.truncated"},
    {Reason::UdpBadLength, "udp.bad_length"},
    {Reason::UdpBadChecksum, "udp.bad_checksum"},
    {Reason::UdpPortUnreachable, "udp.port_unreachable"},
    {Reason::UdpQueueFull, "udp.queue_full"},
    {Reason::TcpTruncated, "tcp.truncated"},
    {Reason::TcpBadHeaderLength, "tcp.bad_header_length"},
    {Reason::TcpTruncatedOptions, "tcp.truncated_options"},
    {Reason::TcpBadChecksum, "tcp.bad_checksum"},
    {Reason::TcpNoSocket, "tcp.no_socket"},
}};

consteval bool reason_table_in_order() {
  for (std::size_t i = 0; i < kReasonTable.size(); ++i)
    if (static_cast<std::size_t>(kReasonTable[i].reason) != i) return false;
  return true;
}
static_assert(reason_table_in_order(), "kReasonTable must list reasons in enum order");

constexpr std::string_view name(Reason r) {
  return kReasonTable[static_cast<std::size_t>(r)].name;
}

/// The layer part of a reason's name ("ipv4" for ipv4.bad_checksum).
constexpr std::string_view layer_name(Reason r) {
  auto n = name(r);
  return n.substr(0, n.find('.'));
}

}  // namespace strata::core
