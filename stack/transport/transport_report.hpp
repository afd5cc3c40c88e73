// SPDX-License-Identifier: MIT
// Filling core::RxReport with UDP and TCP headers, shared by the normal receive path, datagrams IPv4 dropped
// (reported but not acted on) and the datagrams quoted in ICMP errors. The rules follow what Wireshark shows
// for each case (tests/replay/TSHARK_NOTES.md), since `strata replay --json` is checked against it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/rx_report.hpp"
#include "stack/net/l4_handler.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::transport {

/// Where a reported segment comes from: Wireshark shows each kind differently.
enum class SegmentSource : std::uint8_t {
  kDatagram,               // a datagram's own segment (whole, or cut by the capture)
  kUnreassembledFragment,  // the first fragment of a datagram not reassembled (IPv4 dropped it)
  kIcmpQuote,              // the datagram quoted by an ICMP error
};

/// The kind of a segment IPv4 hands a transport's L4Handler::report.
constexpr SegmentSource source_of(const net::ReportedSegment& s) {
  if (s.icmp_quote) return SegmentSource::kIcmpQuote;
  return s.fragment ? SegmentSource::kUnreassembledFragment : SegmentSource::kDatagram;
}

/// `segment`: the bytes captured from the UDP header on; `length_by_ip`: the IP payload length (what the IPv4
/// header announces, bounded by the frame's length on the wire). The checksum is verified only when all of
/// the IP payload was captured (for a quote: all the UDP length), and never in a fragment.
void report_udp(core::RxReport& r, core::Bytes segment, std::size_t length_by_ip, wire::Ipv4Address src,
                wire::Ipv4Address dst, SegmentSource source);

/// A quote gets no seq_raw nor len, and a cut quoted segment's checksum counts as bad, as Wireshark sums only
/// what is quoted. An unreassembled fragment gets no tcp.len and an unverified checksum; a segment whose IP
/// payload ends inside its header gets no tcp.len either. `length_by_ip` may exceed 65535 (BIG TCP).
void report_tcp(core::RxReport& r, core::Bytes segment, std::size_t length_by_ip, wire::Ipv4Address src,
                wire::Ipv4Address dst, SegmentSource source);

}  // namespace strata::transport
