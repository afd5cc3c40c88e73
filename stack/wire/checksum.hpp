// SPDX-License-Identifier: MIT
// The Internet checksum (RFC 1071) and its incremental update (RFC 1624). A vector path (AVX2, else SSE2;
// 16-bit words summed with pmaddwd) is chosen once at run time, with a portable fallback over 64-bit words.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "stack/core/bytes.hpp"

namespace strata::wire {

namespace detail {

// The portable scalar kernel, in the header so that short inputs (headers, small datagrams) are summed inline
// where they are checked: no call, no dispatch. checksum.cpp has the vector kernels and the long-input path.
// It reads the data in native byte order and keeps every carry; RFC 1071 §2(B) makes that sum, folded to 16
// bits and byte-swapped, equal to the sum of big-endian 16-bit words.

// Inputs up to this many bytes take the inlined scalar code in ones_sum(); from here on the vector kernels
// win (BM_ChecksumKernel in bench/checksum_bench.cpp shows the crossover).
inline constexpr std::size_t kShortInput = 96;
inline constexpr bool kLittle = std::endian::native == std::endian::little;

inline std::uint64_t load64(const std::byte* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline std::uint32_t load32(const std::byte* p) {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
inline std::uint16_t load16(const std::byte* p) {
  std::uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// a + b with the carry out of bit 63 added back in (one's-complement addition in 64 bits).
inline std::uint64_t add_ec(std::uint64_t a, std::uint64_t b) {
  a += b;
  return a + (a < b);
}

// A lone last byte (at an even offset) is the high byte of a big-endian word padded with zero: in native
// order that is where a byte load already puts it on a little-endian host.
inline std::uint64_t odd_byte(const std::byte* p) {
  constexpr unsigned kShift = kLittle ? 0 : 8;
  return std::uint64_t{std::to_integer<std::uint8_t>(*p)} << kShift;
}

// The last n < 8 bytes, as if padded with zeros to a whole word. Each piece starts at an even offset, so the
// pieces add without being shifted into place.
inline std::uint64_t sum_tail(const std::byte* p, std::size_t n) {
  std::uint64_t s = 0;
  if (n & 4) {
    s += load32(p);
    p += 4;
  }
  if (n & 2) {
    s += load16(p);
    p += 2;
  }
  if (n & 1) s += odd_byte(p);
  return s;
}

// Adds w to the word sum s, counting the carry out of bit 63 in c (2^64 == 1 mod 2^64 - 1): add + adc.
inline void add_word(std::uint64_t& s, std::uint64_t& c, std::uint64_t w) {
  c += __builtin_add_overflow(s, w, &s);
}

// Two independent sum/carry pairs, so the adds of neighbouring words overlap. `start` is a native-order
// value already summed (ones_sum()'s initial value, added here off the critical path). The result is
// congruent (mod 2^64 - 1) to the sum of the data's native-order words, and zero only for all-zero input.
inline std::uint64_t sum_scalar(const std::byte* p, std::size_t n, std::uint64_t start = 0) {
  std::uint64_t s0 = 0, c0 = 0, s1 = start, c1 = 0;
  for (; n >= 32; p += 32, n -= 32) {
    add_word(s0, c0, load64(p));
    add_word(s1, c1, load64(p + 8));
    add_word(s0, c0, load64(p + 16));
    add_word(s1, c1, load64(p + 24));
  }
  if (n & 16) {
    add_word(s0, c0, load64(p));
    add_word(s1, c1, load64(p + 8));
    p += 16;
  }
  if (n & 8) {
    add_word(s0, c0, load64(p));
    p += 8;
  }
  add_word(s0, c0, sum_tail(p, n & 7));
  add_word(s0, c0, s1);
  return add_ec(s0, c0 + c1);
}

// A big-endian 16-bit value (ones_sum()'s `initial`) as the native-order word that adds to a sum.
inline std::uint64_t native_word(std::uint16_t v) {
  return kLittle ? core::bswap16(v) : v;
}
// The same for a 32-bit value (two words at an even offset: they add as one native-order 32-bit load would).
inline std::uint64_t native_word32(std::uint32_t v) {
  return kLittle ? core::bswap32(v) : v;
}

// Native-order 64-bit sum -> 16-bit one's-complement sum, still in native order (0 only when s is zero).
inline std::uint16_t fold_native(std::uint64_t s) {
  const auto hi = static_cast<std::uint32_t>(s >> 32);
  std::uint32_t x = static_cast<std::uint32_t>(s) + hi;
  x += x < hi;  // end-around carry: x == s mod 2^32 - 1, and x != 0 unless s == 0
  // With x = a:b (16-bit halves), x + rotr(x, 16) carries b + a's overflow into a + b: the high half is the
  // end-around sum of a and b.
  return static_cast<std::uint16_t>((x + std::rotr(x, 16)) >> 16);
}

// Native-order 64-bit sum -> 16-bit big-endian one's-complement sum (0x0000 only when s is zero).
inline std::uint16_t fold(std::uint64_t s) {
  const std::uint16_t r = fold_native(s);
  return kLittle ? core::bswap16(r) : r;
}

// fold(s) == 0xffff, the test of a received checksum. A nonzero s folds to a value in [1, 0xffff] congruent
// to it mod 0xffff, so this is s != 0 and 0xffff | s: a divisibility test the compiler makes a multiply and
// a compare (0xffff is odd), with no fold and no byte swap.
inline bool folds_to_ffff(std::uint64_t s) {
  return s != 0 && s % 0xffff == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
// x86-64: add-with-carry chains. Each asm adds its words to s and the last carry back in (adc $0): one
// instruction per 8 bytes, where the portable code needs an add and a carry count per word. The final
// adc cannot carry out again: an add/adc chain never ends with s all ones and the carry set (that needs the
// same from the step before, and a first add cannot give it). s ends at zero only when every word was zero
// (a wrap to zero always leaves a carry to add back).
inline void add_words8(std::uint64_t& s, const std::byte* p) {
  asm("addq (%[p]), %[s]\n\t"
      "adcq 8(%[p]), %[s]\n\t"
      "adcq 16(%[p]), %[s]\n\t"
      "adcq 24(%[p]), %[s]\n\t"
      "adcq 32(%[p]), %[s]\n\t"
      "adcq 40(%[p]), %[s]\n\t"
      "adcq 48(%[p]), %[s]\n\t"
      "adcq 56(%[p]), %[s]\n\t"
      "adcq $0, %[s]"
      : [s] "+r"(s)
      : [p] "r"(p), "m"(*reinterpret_cast<const std::byte(*)[64]>(p))
      : "cc");
}
inline void add_words4(std::uint64_t& s, const std::byte* p) {
  asm("addq (%[p]), %[s]\n\t"
      "adcq 8(%[p]), %[s]\n\t"
      "adcq 16(%[p]), %[s]\n\t"
      "adcq 24(%[p]), %[s]\n\t"
      "adcq $0, %[s]"
      : [s] "+r"(s)
      : [p] "r"(p), "m"(*reinterpret_cast<const std::byte(*)[32]>(p))
      : "cc");
}
inline void add_words2(std::uint64_t& s, const std::byte* p) {
  asm("addq (%[p]), %[s]\n\t"
      "adcq 8(%[p]), %[s]\n\t"
      "adcq $0, %[s]"
      : [s] "+r"(s)
      : [p] "r"(p), "m"(*reinterpret_cast<const std::byte(*)[16]>(p))
      : "cc");
}
inline void add_value(std::uint64_t& s, std::uint64_t w) {
  asm("addq %[w], %[s]\n\t"
      "adcq $0, %[s]"
      : [s] "+r"(s)
      : [w] "rm"(w)
      : "cc");
}

// The inlined sum of a short input (ones_sum()'s and the pseudo-header sums'): same contract as
// sum_scalar().
inline std::uint64_t sum_short(const std::byte* p, std::size_t n, std::uint64_t start) {
  std::uint64_t s = start;
  const std::byte* q = p + (n & ~std::size_t{63});
  for (; p != q; p += 64) add_words8(s, p);
  if (n & 32) {
    add_words4(s, p);
    p += 32;
  }
  if (n & 16) {
    add_words2(s, p);
    p += 16;
  }
  if (n & 8) {
    add_value(s, load64(p));
    p += 8;
  }
  if (n & 7) add_value(s, sum_tail(p, n & 7));
  return s;
}
#else
inline std::uint64_t sum_short(const std::byte* p, std::size_t n, std::uint64_t start) {
  return sum_scalar(p, n, start);
}
#endif

/// ones_sum() for inputs longer than kShortInput: the vector kernel chosen at run time.
std::uint16_t ones_sum_long(core::Bytes data, std::uint16_t initial);

}  // namespace detail

/// One's-complement sum of `data` taken as big-endian 16-bit words (an odd last byte is padded with zero),
/// added to `initial`, folded to 16 bits, not complemented. Sums of pieces combine with ones_add() as long as
/// every piece but the last has even length. Short inputs are summed inline (scalar); longer ones by the
/// vector kernel chosen at run time.
inline std::uint16_t ones_sum(core::Bytes data, std::uint16_t initial = 0) {
  if (data.size() <= detail::kShortInput)
    return detail::fold(detail::sum_short(data.data(), data.size(), detail::native_word(initial)));
  return detail::ones_sum_long(data, initial);
}

/// The same sum through the portable scalar code only (reference for tests and the benchmark).
std::uint16_t ones_sum_scalar(core::Bytes data, std::uint16_t initial = 0);

/// One's-complement addition of two folded sums.
constexpr std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) {
  std::uint32_t s = std::uint32_t{a} + b;
  return static_cast<std::uint16_t>((s & 0xffff) + (s >> 16));
}

/// A 32-bit sum of 16-bit words folded to 16 bits (one's complement).
constexpr std::uint16_t ones_fold(std::uint32_t s) {
  s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>((s & 0xffff) + (s >> 16));
}

/// A 64-bit sum of 16-bit (or 32-bit: 2^16 == 1 mod 0xffff) big-endian words folded to 16 bits; 0x0000 only
/// when s is zero.
constexpr std::uint16_t ones_fold64(std::uint64_t s) {
  const auto hi = static_cast<std::uint32_t>(s >> 32);
  std::uint32_t x = static_cast<std::uint32_t>(s) + hi;
  x += x < hi;  // end-around carry
  return ones_fold(x);
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

/// ones_sum() of the IPv4 pseudo-header (src, dst, protocol, length; addresses host order) followed by
/// `segment`: what a UDP or TCP checksum check compares with 0xffff. Short segments add the pseudo-header's
/// words straight into the inlined 64-bit sum (one fold at the end, not one per word).
inline std::uint16_t pseudo_ones_sum(core::Bytes segment, std::uint32_t src, std::uint32_t dst,
                                     std::uint8_t proto, std::uint16_t length) {
  if (segment.size() <= detail::kShortInput) {
    const std::uint64_t start = detail::native_word32(src) + detail::native_word32(dst) +
                                detail::native_word(proto) + detail::native_word(length);
    return detail::fold(detail::sum_short(segment.data(), segment.size(), start));
  }
  return detail::ones_sum_long(segment, pseudo_header_sum(src, dst, proto, length));
}

/// Whether a UDP or TCP checksum holds when the segment's IPv4 header has no options: the pseudo-header's
/// addresses are then the 8 bytes just before the segment, and `run` (those 8 bytes and the `length`-byte
/// segment) is summed in one pass, with no address loaded, swapped and added on its own.
inline bool pseudo_run_ok(core::Bytes run, std::uint8_t proto, std::uint16_t length) {
  if (run.size() <= detail::kShortInput)
    return detail::folds_to_ffff(
        detail::sum_short(run.data(), run.size(), detail::native_word(proto) + detail::native_word(length)));
  return detail::ones_sum_long(run, ones_add(proto, length)) == 0xffff;
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
  return checksum_update16(checksum, static_cast<std::uint16_t>(old_value),
                           static_cast<std::uint16_t>(new_value));
}

/// Which implementation ones_sum() dispatches to on this CPU: "avx512", "avx2", "sse2" or "scalar".
const char* checksum_impl_name();

/// For tests and benchmarks: the sum through one named implementation ("avx512", "avx2", "sse2", "scalar") at
/// every length (ones_sum() itself takes the scalar code for short inputs), or nullptr when this CPU or build
/// lacks it. Same contract as ones_sum().
using OnesSumFn = std::uint16_t (*)(core::Bytes data, std::uint16_t initial);
OnesSumFn ones_sum_impl(std::string_view name);

}  // namespace strata::wire
