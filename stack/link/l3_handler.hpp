// SPDX-License-Identifier: MIT
// What a network-layer protocol offers the link layer: it registers by EtherType and receives payloads,
// link-neutral (Ethernet, Linux cooked, raw IP all end here).
#pragma once

#include <cstdint>

#include "stack/core/packet_buf.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::link {

struct LinkHeader {
  std::uint16_t type = 0;
  wire::MacAddress src, dst;  // zero when the link has no MACs (raw IP, cooked)
  bool broadcast = false;
  bool multicast = false;
};

class L3Handler {
 public:
  virtual ~L3Handler() = default;
  /// `payload` is the network-layer packet (inside frame.bytes); frame.marks.net points at it.
  virtual void receive(core::RxFrame& frame, const LinkHeader& link, core::Bytes payload) = 0;
};

}  // namespace strata::link
