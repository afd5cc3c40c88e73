// SPDX-License-Identifier: MIT
// What a transport protocol offers IPv4: it registers by IP protocol number and receives datagrams. A
// datagram it cannot take (port unreachable) it answers through Ipv4Layer::send_unreachable, a send going
// down, as Linux's and lwIP's UDP do; nothing comes back up the call, so IPv4 hands the usual datagram over
// with a tail call. ICMP errors about a datagram we sent come back to the transport that sent it through
// receive_error.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stack/core/packet_buf.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::net {

/// A transport segment as a reporter (RxFrame::report) is shown it: that of a delivered datagram, of one IPv4
/// dropped, whose header may not even make an Ipv4View (a total length of 0 from TSO, see Ipv4Layer), or of
/// the datagram an ICMP error quotes (Ipv4Layer::report_quote).
struct ReportedSegment {
  core::Bytes bytes;       // as captured, from the transport header on; may be shorter than `length`
  std::size_t length = 0;  // the IP payload length: what the header announces, bounded by the wire's
  wire::Ipv4Address src, dst;
  bool fragment = false;    // the first fragment of a datagram not reassembled
  bool icmp_quote = false;  // quoted by an ICMP error: `bytes` holds what is quoted (usually 8 bytes)

  static ReportedSegment of(const wire::Ipv4View& ip) {
    return {ip.payload(), std::size_t{ip.total_length()} - ip.header_len(), ip.src(), ip.dst(),
            ip.is_fragment()};
  }
  /// `quoted`: the IPv4 header an ICMP error quotes and the bytes after it (not a fragment: Wireshark shows
  /// no transport header inside a quoted fragment).
  static ReportedSegment quote(const wire::Ipv4View& quoted) {
    ReportedSegment s = of(quoted);
    s.icmp_quote = true;
    return s;
  }
};

struct IcmpErrorInfo {
  std::uint8_t type = 0, code = 0;
  std::uint16_t mtu = 0;  // next-hop MTU of "fragmentation needed"
  wire::Ipv4View quoted;  // the quoted IPv4 header (its payload is cut short)
  core::Bytes quoted_l4;  // the quoted transport bytes (usually 8)
};

class L4Handler {
 public:
  virtual ~L4Handler() = default;
  /// `ip` is the whole datagram (reassembled if it came in fragments); ip.payload() is the transport segment.
  /// By value: the 16-byte view travels in two registers, not through memory.
  virtual void receive(core::RxFrame& frame, wire::Ipv4View ip) = 0;
  /// Acts on the error; reports nothing (the quote was reported through report(), segment.icmp_quote set).
  virtual void receive_error(core::RxFrame& frame, const IcmpErrorInfo& error) = 0;
  /// Fills frame.report with the transport header without acting on it: what a reporter shows. Also for a
  /// datagram IPv4 dropped (bad header checksum, cut by the capture, TSO's total length of 0), and for the
  /// datagram an ICMP error quotes, whether or not the error itself is delivered (segment.icmp_quote).
  virtual void report(core::RxFrame& frame, const ReportedSegment& segment) = 0;
};

}  // namespace strata::net
