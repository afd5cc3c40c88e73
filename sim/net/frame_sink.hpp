// SPDX-License-Identifier: MIT
// FrameSink: whoever receives the frames arriving at one end of a simulated link (a host's interface adapter
// or a switch port). Links call it from a scheduler event, never from inside a transmit (BLUEPRINT rule 4).
#pragma once

#include "stack/core/packet_buf.hpp"
#include "stack/core/time.hpp"

namespace strata::sim::net {

/// The frame is handed over: the sink owns it from then on, so a switch can send it on without a copy.
class FrameSink {
 public:
  virtual void receive(core::PacketBuf&& frame, core::Instant now) = 0;

 protected:
  ~FrameSink() = default;
};

}  // namespace strata::sim::net
