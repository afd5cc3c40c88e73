// SPDX-License-Identifier: MIT
// Small strong integer ids, so a NicId cannot be passed where a HostId is meant.
#pragma once

#include <compare>
#include <cstdint>

namespace strata::core {

template <class Tag, class Rep = std::uint32_t>
struct StrongId {
  Rep value{};
  constexpr auto operator<=>(const StrongId&) const = default;
};

using HostId = StrongId<struct HostIdTag>;
using NicId = StrongId<struct NicIdTag, std::uint16_t>;
using PacketId = StrongId<struct PacketIdTag, std::uint64_t>;

}  // namespace strata::core
