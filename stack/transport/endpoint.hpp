// SPDX-License-Identifier: MIT
// Endpoint: what transports speak (the socket facade converts its sockaddr to this).
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <vector>

#include "stack/core/errno.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::transport {

struct Endpoint {
  wire::Ipv4Address addr;
  std::uint16_t port = 0;
  constexpr auto operator<=>(const Endpoint&) const = default;
};

/// A transport's endpoint table (UDP, ping sockets): a new endpoint takes the first closed slot, else a new
/// one while the table holds fewer than `cap`; EMFILE beyond. The endpoint (and its queue) is built here, at
/// open, never per packet. Returns its index.
template <class Ep, class Config>
core::Result<std::uint32_t, core::Errno> open_endpoint(std::vector<std::unique_ptr<Ep>>& eps, std::size_t cap,
                                                       const Config& config) {
  for (std::uint32_t i = 0; i < eps.size(); ++i)
    if (!eps[i]) {
      eps[i] = std::make_unique<Ep>(config);
      return i;
    }
  if (eps.size() >= cap) return core::fail(core::Errno::EMFILE_);
  eps.push_back(std::make_unique<Ep>(config));
  return static_cast<std::uint32_t>(eps.size() - 1);
}

}  // namespace strata::transport
