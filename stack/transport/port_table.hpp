// SPDX-License-Identifier: MIT
// Which local ports are taken, per protocol, and ephemeral port allocation (RFC 6056 §3.3.1-style: a seeded
// random start, then a sequential probe over the dynamic range).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "stack/core/rng.hpp"

namespace strata::transport {

class PortTable {
 public:
  static constexpr std::uint16_t kEphemeralFirst = 49152;
  static constexpr std::uint16_t kEphemeralLast = 65535;

  PortTable() : used_(65536, false) {}
  bool in_use(std::uint16_t port) const { return used_[port]; }
  /// False when taken (EADDRINUSE) or port 0.
  bool reserve(std::uint16_t port);
  /// A free port of the dynamic range, or nullopt when all are taken.
  std::optional<std::uint16_t> reserve_ephemeral(core::Rng& rng);
  void release(std::uint16_t port) { used_[port] = false; }

 private:
  std::vector<bool> used_;
};

}  // namespace strata::transport
