// SPDX-License-Identifier: MIT
// FrameSink: whoever receives the frames arriving at one end of a simulated link (a host's interface adapter
// or a switch port). Links call it from a scheduler event, never from inside a transmit (BLUEPRINT rule 4).
#pragma once

#include "stack/core/bytes.hpp"
#include "stack/core/time.hpp"

namespace strata::sim::net {

/// The frame bytes are borrowed: valid for the call only; a sink that keeps them copies them.
class FrameSink {
 public:
  virtual void receive(core::Bytes frame, core::Instant now) = 0;

 protected:
  ~FrameSink() = default;
};

}  // namespace strata::sim::net
