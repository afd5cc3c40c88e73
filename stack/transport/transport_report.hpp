// SPDX-License-Identifier: MIT
// Filling core::RxReport with UDP and TCP headers, shared by the normal receive path, datagrams IPv4 dropped
// (reported but not acted on) and the datagrams quoted in ICMP errors. The rules follow what Wireshark shows
// for each case (tests/replay/TSHARK_NOTES.md), since `strata replay --json` is checked against it.
#pragma once

#include <cstddef>

#include "stack/core/bytes.hpp"
#include "stack/core/rx_report.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::transport {

/// `segment`: the bytes captured from the UDP header on; `length_by_ip`: the IP payload length the IPv4 header
/// announces; `verifiable`: false when the datagram is known to be incomplete (a first fragment).
void report_udp(core::RxReport& r, core::Bytes segment, std::size_t length_by_ip, wire::Ipv4Address src,
                wire::Ipv4Address dst, bool verifiable);

/// `quoted`: the segment sits inside an ICMP error (no seq_raw, no len; a cut segment's checksum counts as
/// bad, as Wireshark sums only what is quoted). Otherwise `r` must already hold the frame's IPv4 header
/// (ip.len, flags): a first fragment reported without reassembly (IPv4 dropped it) gets no tcp.len and an
/// unverified checksum; a segment whose IP payload ends inside its header gets no tcp.len either.
void report_tcp(core::RxReport& r, core::Bytes segment, std::size_t length_by_ip, wire::Ipv4Address src,
                wire::Ipv4Address dst, bool quoted);

}  // namespace strata::transport
