// SPDX-License-Identifier: MIT
// The Internet checksum (RFC 1071) and its incremental update (RFC 1624). A vector path (AVX2, else SSE2;
// 16-bit words summed with pmaddwd) is chosen once at run time, with a portable fallback over 64-bit words.
#pragma once

#include <cstdint>
#include <string_view>

#include "stack/core/bytes.hpp"

namespace strata::wire {

/// One's-complement sum of `data` taken as big-endian 16-bit words (an odd last byte is padded with zero),
/// added to `initial`, folded to 16 bits, not complemented. Sums of pieces combine with ones_add() as long as
/// every piece but the last has even length.
std::uint16_t ones_sum(core::Bytes data, std::uint16_t initial = 0);

/// The same sum through the portable scalar code only (reference for tests and the benchmark).
std::uint16_t ones_sum_scalar(core::Bytes data, std::uint16_t initial = 0);

/// One's-complement addition of two folded sums.
constexpr std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) {
  std::uint32_t s = std::uint32_t{a} + b;
  return static_cast<std::uint16_t>((s & 0xffff) + (s >> 16));
}

/// The checksum field value for `data` (whose checksum field is zero): ~ones_sum.
inline std::uint16_t internet_checksum(core::Bytes data, std::uint16_t initial = 0) {
  return static_cast<std::uint16_t>(~ones_sum(data, initial));
}

/// Sum of the IPv4 pseudo-header (RFC 768, RFC 9293 §3.1) for UDP/TCP: addresses host order.
constexpr std::uint16_t pseudo_header_sum(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                                          std::uint16_t length) {
  std::uint16_t s = ones_add(static_cast<std::uint16_t>(src >> 16), static_cast<std::uint16_t>(src));
  s = ones_add(s, static_cast<std::uint16_t>(dst >> 16));
  s = ones_add(s, static_cast<std::uint16_t>(dst));
  s = ones_add(s, proto);
  return ones_add(s, length);
}

/// RFC 1624 eqn. 3: the new checksum field after a 16-bit word of the covered data changes from `old_word`
/// to `new_word`: HC' = ~(~HC + ~m + m').
constexpr std::uint16_t checksum_update16(std::uint16_t checksum, std::uint16_t old_word,
                                          std::uint16_t new_word) {
  std::uint16_t s = ones_add(static_cast<std::uint16_t>(~checksum), static_cast<std::uint16_t>(~old_word));
  s = ones_add(s, new_word);
  return static_cast<std::uint16_t>(~s);
}

/// The same for a 32-bit field (an address, a sequence number).
constexpr std::uint16_t checksum_update32(std::uint16_t checksum, std::uint32_t old_value,
                                          std::uint32_t new_value) {
  checksum = checksum_update16(checksum, static_cast<std::uint16_t>(old_value >> 16),
                               static_cast<std::uint16_t>(new_value >> 16));
  return checksum_update16(checksum, static_cast<std::uint16_t>(old_value), static_cast<std::uint16_t>(new_value));
}

/// Which implementation ones_sum() dispatches to on this CPU: "avx2", "sse2" or "scalar".
const char* checksum_impl_name();

/// For tests and benchmarks: the sum through one named implementation ("avx2", "sse2", "scalar") at every
/// length (ones_sum() itself takes the scalar code for short inputs), or nullptr when this CPU or build
/// lacks it. Same contract as ones_sum().
using OnesSumFn = std::uint16_t (*)(core::Bytes data, std::uint16_t initial);
OnesSumFn ones_sum_impl(std::string_view name);

}  // namespace strata::wire
