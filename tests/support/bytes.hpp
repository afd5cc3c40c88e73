// SPDX-License-Identifier: MIT
// Byte helpers for tests: views of owned frames (std::byte vectors) and of captured packets (std::uint8_t
// arrays and vectors) as the stack's core::Bytes, owned copies to corrupt, and bytes back as a vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stack/core/bytes.hpp"

namespace strata::test {

inline core::Bytes view(const std::vector<std::byte>& f) {
  return {f.data(), f.size()};
}
template <std::size_t N>
core::Bytes view(const std::uint8_t (&a)[N]) {
  return core::as_bytes(a, N);
}
inline core::Bytes view(const std::vector<std::uint8_t>& v) {
  return core::as_bytes(v.data(), v.size());
}
/// A writable view of an owned copy, for tests that break one field.
inline core::MutBytes mut(std::vector<std::uint8_t>& v) {
  return std::as_writable_bytes(std::span(v));
}
template <std::size_t N>
std::vector<std::uint8_t> copy(const std::uint8_t (&a)[N]) {
  return {a, a + N};
}
/// The characters of a string as bytes to send (the string must outlive the view).
inline core::Bytes bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
inline std::vector<std::uint8_t> to_vec(core::Bytes b) {
  std::vector<std::uint8_t> v;
  for (auto x : b) v.push_back(static_cast<std::uint8_t>(x));
  return v;
}

}  // namespace strata::test
