// SPDX-License-Identifier: MIT
// The small link headers captures carry besides Ethernet and Linux cooked: BSD loopback (pcap NULL and LOOP),
// PPP (RFC 1661, with or without the RFC 1662 address/control bytes) and Cisco HDLC. Each one only says what
// the payload is; parse() maps that to an EtherType so the link layer's one registration table serves them
// all.
#pragma once

#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"

namespace strata::wire {

struct LinkPayload {
  std::uint16_t ether_type = 0;  // 0 when the header names no protocol we map
  std::size_t header_len = 0;
};

/// BSD loopback: a 4-byte address family, host order of the capturing machine (NULL) or network order (LOOP).
/// Both orders are tried, as the capturing machine is unknown.
core::Result<LinkPayload> parse_bsd_loopback(core::Bytes frame);
/// PPP: [0xff 0x03] then a 1- or 2-byte protocol number (0x0021 IPv4, 0x0057 IPv6).
core::Result<LinkPayload> parse_ppp(core::Bytes frame);
/// Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control 0x00, then an EtherType.
core::Result<LinkPayload> parse_cisco_hdlc(core::Bytes frame);

}  // namespace strata::wire
