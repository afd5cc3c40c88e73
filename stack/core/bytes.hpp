// SPDX-License-Identifier: MIT
// Big-endian loads and stores over byte spans. No casts, no packed structs: memcpy into a local and a byte
// swap, which compilers turn into one movbe/bswap. Callers check bounds first (views do, once, in parse()).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace strata::core {

using Bytes = std::span<const std::byte>;
using MutBytes = std::span<std::byte>;

inline std::uint16_t bswap16(std::uint16_t v) {
  return static_cast<std::uint16_t>((v << 8) | (v >> 8));
}
inline std::uint32_t bswap32(std::uint32_t v) {
  return __builtin_bswap32(v);
}

inline std::uint8_t load_u8(const std::byte* p) {
  return static_cast<std::uint8_t>(*p);
}
inline std::uint16_t load_be16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  if constexpr (std::endian::native == std::endian::little) v = bswap16(v);
  return v;
}
inline std::uint32_t load_be32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::little) v = bswap32(v);
  return v;
}
inline void store_u8(std::byte* p, std::uint8_t v) {
  *p = static_cast<std::byte>(v);
}
inline void store_be16(std::byte* p, std::uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) v = bswap16(v);
  std::memcpy(p, &v, 2);
}
inline void store_be32(std::byte* p, std::uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = bswap32(v);
  std::memcpy(p, &v, 4);
}

// Span-indexed forms: the offset is the caller's, already bounds-checked.
inline std::uint8_t load_u8(Bytes b, std::size_t off) {
  return load_u8(b.data() + off);
}
inline std::uint16_t load_be16(Bytes b, std::size_t off) {
  return load_be16(b.data() + off);
}
inline std::uint32_t load_be32(Bytes b, std::size_t off) {
  return load_be32(b.data() + off);
}
inline void store_u8(MutBytes b, std::size_t off, std::uint8_t v) {
  store_u8(b.data() + off, v);
}
inline void store_be16(MutBytes b, std::size_t off, std::uint16_t v) {
  store_be16(b.data() + off, v);
}
inline void store_be32(MutBytes b, std::size_t off, std::uint32_t v) {
  store_be32(b.data() + off, v);
}

namespace detail {
// k bytes at `at`, as one move of that width (memcpy of a constant size compiles to a load and a store).
template <std::size_t k>
inline void move_fixed(std::byte* dst, const std::byte* src, std::size_t at) {
  std::memcpy(dst + at, src + at, k);
}
}  // namespace detail

/// memcpy for the payload copies of the datagram paths (non-overlapping ranges). Up to 64 bytes it copies
/// inline with a few overlapping moves, without a call through the PLT into libc's size dispatch (which
/// cost more than the copy for a small datagram, and made the caller spill around the call); longer copies
/// go to memcpy, which is faster there.
inline void copy_bytes(std::byte* dst, const std::byte* src, std::size_t n) {
  using detail::move_fixed;
  if (n > 64) [[unlikely]] {
    std::memcpy(dst, src, n);
  } else if (n >= 16) {
    // Both ends of the range by 16-byte moves, overlapping in the middle when n is not 32 or 64.
    move_fixed<16>(dst, src, 0);
    move_fixed<16>(dst, src, n - 16);
    if (n > 32) {
      move_fixed<16>(dst, src, 16);
      move_fixed<16>(dst, src, n - 32);
    }
  } else if (n >= 8) {
    move_fixed<8>(dst, src, 0);
    move_fixed<8>(dst, src, n - 8);
  } else if (n >= 4) {
    move_fixed<4>(dst, src, 0);
    move_fixed<4>(dst, src, n - 4);
  } else if (n != 0) {
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

/// Views a byte array literal (tests, emitters) as bytes.
inline Bytes as_bytes(const std::uint8_t* p, std::size_t n) {
  return std::as_bytes(std::span<const std::uint8_t>(p, n));
}

}  // namespace strata::core
