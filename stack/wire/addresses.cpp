// SPDX-License-Identifier: MIT
#include "stack/wire/addresses.hpp"

#include <charconv>
#include <cstring>

namespace strata::wire {

std::string MacAddress::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (int i = 0; i < 6; ++i) {
    s[i * 3] = kHex[octets[i] >> 4];
    s[i * 3 + 1] = kHex[octets[i] & 0xf];
  }
  return s;
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view t) {
  if (t.size() != 17) return std::nullopt;
  MacAddress m;
  for (int i = 0; i < 6; ++i) {
    int hi = hex_digit(t[i * 3]), lo = hex_digit(t[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && t[i * 3 + 2] != ':' && t[i * 3 + 2] != '-') return std::nullopt;
    m.octets[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return m;
}

std::string Ipv4Address::to_string() const {
  std::string s;
  s.reserve(15);
  for (int shift = 24; shift >= 0; shift -= 8) {
    s += std::to_string((value >> shift) & 0xff);
    if (shift) s += '.';
  }
  return s;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view t) {
  std::uint32_t v = 0;
  const char* p = t.data();
  const char* end = t.data() + t.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255 || next - p > 3) return std::nullopt;
    v = (v << 8) | octet;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return Ipv4Address{v};
}

std::string Ipv4Cidr::to_string() const {
  return address.to_string() + "/" + std::to_string(prefix);
}

std::optional<Ipv4Cidr> Ipv4Cidr::parse(std::string_view t) {
  auto slash = t.find('/');
  auto addr = Ipv4Address::parse(t.substr(0, slash));
  if (!addr) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv4Cidr{*addr, 32};
  auto rest = t.substr(slash + 1);
  unsigned prefix = 0;
  auto [next, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), prefix);
  if (ec != std::errc() || next != rest.data() + rest.size() || rest.empty() || prefix > 32)
    return std::nullopt;
  return Ipv4Cidr{*addr, static_cast<std::uint8_t>(prefix)};
}

}  // namespace strata::wire
