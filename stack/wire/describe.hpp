// SPDX-License-Identifier: MIT
// Human-readable decodes of a frame: a layer-by-layer detail view (like Wireshark's packet-detail pane) with
// a hex dump, and a one-line summary (like tcpdump's). For the stepper's `print packet` and its step lines.
// Never trusts the bytes: every field is bounds-checked, and a header cut short or malformed is reported at
// the layer where parsing stops. Not for: the receive path (the views in this folder are; these allocate
// strings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "stack/core/bytes.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::wire {

/// Which header the bytes start with. Trace boundaries hand out bytes that start at different layers (a frame
/// at the NIC, an IPv4 packet waiting for ARP, a UDP datagram being built), so the caller says which.
enum class FirstHeader : std::uint8_t { Ethernet, Arp, Ipv4, Icmp, Udp, Tcp, Payload };

/// The layer-by-layer decode, one line per field indented under its layer's title, then a blank line and the
/// hex dump of all the bytes.
std::string describe_frame(core::Bytes bytes, FirstHeader first = FirstHeader::Ethernet);

/// The same for bytes that start at a transport header (Icmp, Udp, Tcp) holding the whole message, whose IPv4
/// addresses are known from elsewhere: the UDP/TCP checksum can then be verified over the pseudo-header.
std::string describe_frame(core::Bytes bytes, FirstHeader first, Ipv4Address src, Ipv4Address dst);

/// The decode alone (no hex dump).
std::string describe_headers(core::Bytes bytes, FirstHeader first = FirstHeader::Ethernet);

/// One line: "ARP who-has 10.0.0.2 tell 10.0.0.1", "10.0.0.1 > 10.0.0.2 ICMP echo request id 1 seq 1",
/// "10.0.0.1:49152 > 10.0.0.2:7 UDP len 100". Bytes that start below IPv4 name only ports ("UDP 49152 > 7 len
/// 100").
std::string summarize_frame(core::Bytes bytes, FirstHeader first = FirstHeader::Ethernet);

/// The same for bytes that start at a transport header (Icmp, Udp, Tcp) whose IPv4 addresses are known from
/// elsewhere (the same packet at the IPv4 boundary): "10.0.0.1:49152 > 10.0.0.2:7 UDP len 100".
std::string summarize_frame(core::Bytes bytes, FirstHeader first, Ipv4Address src, Ipv4Address dst);

/// The IPv4 source and destination the bytes carry, when they reach that far.
std::optional<std::pair<Ipv4Address, Ipv4Address>> ipv4_addresses(core::Bytes bytes, FirstHeader first);

/// "0000  45 00 00 54 ...  ASCII" lines, 16 bytes each, in two groups of eight.
std::string hex_dump(core::Bytes bytes);

}  // namespace strata::wire
