// SPDX-License-Identifier: MIT
// Address value types: MacAddress, Ipv4Address, Ipv4Cidr. Parse from and format to the usual text forms.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "stack/core/bytes.hpp"

namespace strata::wire {

struct MacAddress {
  std::array<std::uint8_t, 6> octets{};

  static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  static MacAddress load(const std::byte* p) {
    MacAddress m;
    std::memcpy(m.octets.data(), p, 6);
    return m;
  }
  void store(std::byte* p) const { std::memcpy(p, octets.data(), 6); }
  /// The six octets at p as one integer (a 4- and a 2-byte load), for comparing addresses in a frame without
  /// building a MacAddress on the stack first. Equal addresses give equal values.
  static std::uint64_t bits(const std::byte* p) {
    std::uint32_t lo = 0;
    std::uint16_t hi = 0;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 2);
    return lo | std::uint64_t{hi} << 32;
  }
  std::uint64_t bits() const { return bits(reinterpret_cast<const std::byte*>(octets.data())); }
  static constexpr std::uint64_t kBroadcastBits = 0xffff'ffff'ffffULL;
  bool is_broadcast() const { return *this == broadcast(); }
  bool is_multicast() const { return (octets[0] & 1) != 0; }
  bool is_zero() const { return *this == MacAddress{}; }
  /// Six bytes compared at once (a 4- and a 2-byte load), not octet by octet.
  friend bool operator==(const MacAddress& a, const MacAddress& b) {
    return std::memcmp(a.octets.data(), b.octets.data(), 6) == 0;
  }
  /// "aa:bb:cc:dd:ee:ff" (lowercase, as tshark prints).
  std::string to_string() const;
  static std::optional<MacAddress> parse(std::string_view text);
  constexpr auto operator<=>(const MacAddress&) const = default;
};

struct Ipv4Address {
  std::uint32_t value = 0;  // host order: 10.0.0.1 == 0x0a000001

  static constexpr Ipv4Address any() { return {0}; }
  static constexpr Ipv4Address broadcast() { return {0xffffffffu}; }
  static constexpr Ipv4Address from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return {(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
  }
  static Ipv4Address load(const std::byte* p) { return {core::load_be32(p)}; }
  void store(std::byte* p) const { core::store_be32(p, value); }
  constexpr bool is_any() const { return value == 0; }
  constexpr bool is_broadcast() const { return value == 0xffffffffu; }
  constexpr bool is_multicast() const { return (value >> 28) == 0xe; }
  constexpr bool is_loopback() const { return (value >> 24) == 127; }
  std::string to_string() const;
  static std::optional<Ipv4Address> parse(std::string_view text);
  constexpr auto operator<=>(const Ipv4Address&) const = default;
};

/// An address with a prefix length: an interface address ("10.0.0.1/24") or a route destination.
struct Ipv4Cidr {
  Ipv4Address address;
  std::uint8_t prefix = 32;

  constexpr std::uint32_t mask() const { return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix); }
  constexpr Ipv4Address network() const { return {address.value & mask()}; }
  constexpr Ipv4Address broadcast() const { return {address.value | ~mask()}; }
  constexpr bool contains(Ipv4Address a) const { return (a.value & mask()) == (address.value & mask()); }
  std::string to_string() const;
  /// "10.0.0.1/24"; a bare address means /32.
  static std::optional<Ipv4Cidr> parse(std::string_view text);
  constexpr auto operator<=>(const Ipv4Cidr&) const = default;
};

}  // namespace strata::wire
