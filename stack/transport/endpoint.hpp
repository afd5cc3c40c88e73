// SPDX-License-Identifier: MIT
// Endpoint: what transports speak (the socket facade converts its sockaddr to this).
#pragma once

#include <compare>
#include <cstdint>

#include "stack/wire/addresses.hpp"

namespace strata::transport {

struct Endpoint {
  wire::Ipv4Address addr;
  std::uint16_t port = 0;
  constexpr auto operator<=>(const Endpoint&) const = default;
};

}  // namespace strata::transport
