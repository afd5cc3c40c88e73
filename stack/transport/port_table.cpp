// SPDX-License-Identifier: MIT
#include "stack/transport/port_table.hpp"

namespace strata::transport {

bool PortTable::reserve(std::uint16_t port) {
  if (port == 0 || used_[port]) return false;
  used_[port] = true;
  return true;
}

std::optional<std::uint16_t> PortTable::reserve_ephemeral(core::Rng& rng) {
  constexpr std::uint32_t range = kEphemeralLast - kEphemeralFirst + 1;
  const std::uint32_t start = rng.below(range);
  for (std::uint32_t i = 0; i < range; ++i) {
    const auto port = static_cast<std::uint16_t>(kEphemeralFirst + (start + i) % range);
    if (!used_[port]) {
      used_[port] = true;
      return port;
    }
  }
  return std::nullopt;
}

}  // namespace strata::transport
