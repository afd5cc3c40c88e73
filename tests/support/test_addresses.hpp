// SPDX-License-Identifier: MIT
// The addresses most stack tests use: the host under test ("our") and its on-link peer, on 10.0.0.0/24, and
// our MAC on a second interface. One definition, so test files can share a unity build.
#pragma once

#include "stack/wire/addresses.hpp"

namespace strata::test {

inline constexpr wire::MacAddress kOurMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
inline constexpr wire::MacAddress kPeerMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
inline constexpr wire::MacAddress kOurMac1{{0x02, 0x00, 0x00, 0x00, 0x01, 0x01}};
inline constexpr wire::Ipv4Address kOurIp = wire::Ipv4Address::from_octets(10, 0, 0, 1);
inline constexpr wire::Ipv4Address kPeerIp = wire::Ipv4Address::from_octets(10, 0, 0, 2);

}  // namespace strata::test
