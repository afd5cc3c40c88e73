// SPDX-License-Identifier: MIT
// What a network-layer protocol offers the link layer: it registers by EtherType and receives payloads,
// link-neutral (Ethernet, Linux cooked, raw IP all end here).
#pragma once

#include <cstdint>

#include "stack/core/packet_buf.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::link {

/// What the network layer learns from the link header: four bytes, passed by value in a register. (The MAC
/// addresses stay in the frame: no handler needs them, and copying two 6-byte values into a struct on the
/// stack cost the Ethernet layer a quarter of its instructions.)
struct LinkHeader {
  std::uint16_t type = 0;
  bool broadcast = false;  // sent to the link's broadcast address (Ethernet), or "to us, broadcast" (SLL)
  bool multicast = false;
};

class L3Handler {
 public:
  virtual ~L3Handler() = default;
  /// `payload` is the network-layer packet (inside frame.bytes); frame.marks.net points at it.
  virtual void receive(core::RxFrame& frame, LinkHeader link, core::Bytes payload) = 0;
};

}  // namespace strata::link
