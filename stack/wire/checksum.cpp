// SPDX-License-Identifier: MIT
// RFC 1071 one's-complement sum. The kernels read the data in native byte order (little-endian on x86-64) and
// keep every carry; RFC 1071 §2(B) makes that sum, folded to 16 bits and byte-swapped, equal to the sum of
// big-endian 16-bit words. After folding only a byte's position modulo 2 matters (256^2 == 1 mod 0xffff), so
// pieces that start at an even offset simply add, whatever their width.
//
// Kernels:  avx512 : 16-bit words summed by vpdpwssd into 512-bit registers, aligned lines, masked ends
//                    (AVX-512 F, BW and VNNI; a target attribute: the build has no -march)
//           avx2   : 16-bit words summed by vpmaddwd into 256-bit registers, 128 bytes per iteration
//           sse2   : the same in 128-bit registers, 64 bytes per iteration (x86-64 baseline)
//           scalar : 64-bit loads, carries counted (add/adc), any architecture
// ones_sum() (in the header) takes the inlined scalar code for short inputs (headers, small datagrams), where
// the vector set-up and horizontal sum cost more than they save; longer inputs come here to ones_sum_long(),
// which picks avx512, avx2 or sse2 once, on its first call.
#include "stack/wire/checksum.hpp"

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace strata::wire {
namespace {

// A kernel returns a 64-bit value congruent (mod 2^64 - 1, hence mod 0xffff) to the sum of the data read as
// native-order words, and zero only when the data is all zero (so the folded result is canonical: 0x0000
// only for all-zero input, as with RFC 1071's own loop).
using Kernel = std::uint64_t (*)(const std::byte* p, std::size_t n);

using detail::add_ec;
using detail::fold;
using detail::native_word;
using detail::odd_byte;
using detail::sum_scalar;

// Bytes per vector-kernel call: its 32-bit lanes then stay far from overflow (see sum_avx2), and the tests
// reach the multi-block path with a few hundred KiB. One horizontal sum per 64 KiB costs < 1%.
constexpr std::size_t kBlock = std::size_t{64} << 10;

std::uint64_t sum_scalar_kernel(const std::byte* p, std::size_t n) {
  return sum_scalar(p, n);
}

#if defined(__x86_64__)
// The vector kernels sum 16-bit words with vpmaddwd (multiply by 1 and add adjacent pairs into 32-bit lanes).
// madd is signed, so each word is first biased by xor 0x8000 (w ^ 0x8000 read as signed is w - 32768): a lane
// gains w0 + w1 - 65536 per vector, within [-65536, 65534]. Every vector adds once to every lane of one of
// the accumulators, so starting one accumulator at 65536 x (number of vectors) cancels the bias exactly: the
// summed lanes end as the plain, non-negative sums of their words. Per vector: one load, three cheap ops, no
// shuffles, and no penalty worth measuring for unaligned data.
//
// Bounds: a kernel call sees at most kBlock = 64 KiB, i.e. at most 4096 (sse2) or 2048 (avx2) vectors, so a
// lane stays within 65536 x 4096 + 4096 x 65534 < 2^29 (int32) throughout, and the final 64-bit lane pairs
// never overflow. A 64-bit lane holding 32-bit lanes lo and hi is lo + hi x 2^32 == lo + hi (mod 2^32 - 1):
// the horizontal sum just adds the 64-bit lanes.
//
// The last n < 32 (16) bytes are one more vector: the 32 (16) bytes that end at the data's end, with the
// bytes already counted masked to zero (a masked word is a zero word, biased like any other). That load
// starts inside the data, and at an even offset once an odd last byte has been set aside.
alignas(64) constexpr std::uint8_t kKeepLast[64] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline __m128i load128(const void* p) {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
__attribute__((target("avx2"))) inline __m256i load256(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// v -> four 32-bit lanes of (w0 - 32768) + (w1 - 32768).
inline __m128i biased_pairs(__m128i v) {
  return _mm_madd_epi16(_mm_xor_si128(v, _mm_set1_epi16(static_cast<short>(0x8000))), _mm_set1_epi16(1));
}
__attribute__((target("avx2"))) inline __m256i biased_pairs(__m256i v) {
  return _mm256_madd_epi16(_mm256_xor_si256(v, _mm256_set1_epi16(static_cast<short>(0x8000))),
                           _mm256_set1_epi16(1));
}

// Sum of the two 64-bit lanes (non-negative 32-bit lane sums, see above) plus the set-aside odd byte.
inline std::uint64_t finish(__m128i a, std::uint64_t odd) {
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(a)) +
         static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a))) + odd;
}

std::uint64_t sum_sse2(const std::byte* p, std::size_t n) {
  if (n < 16) return sum_scalar(p, n);  // ones_sum() never gets here with so little; ones_sum_impl() may
  std::uint64_t odd = 0;
  if (n & 1) odd = odd_byte(p + --n);
  const auto vectors = static_cast<int>((n + 15) / 16);
  __m128i a0 = _mm_set1_epi32(65536 * vectors), a1 = _mm_setzero_si128(), a2 = a1, a3 = a1;
  for (; n >= 64; p += 64, n -= 64) {
    a0 = _mm_add_epi32(a0, biased_pairs(load128(p)));
    a1 = _mm_add_epi32(a1, biased_pairs(load128(p + 16)));
    a2 = _mm_add_epi32(a2, biased_pairs(load128(p + 32)));
    a3 = _mm_add_epi32(a3, biased_pairs(load128(p + 48)));
  }
  for (; n >= 16; p += 16, n -= 16) a0 = _mm_add_epi32(a0, biased_pairs(load128(p)));
  if (n != 0) {
    const __m128i last = _mm_and_si128(load128(p + n - 16), load128(kKeepLast + 16 + n));
    a1 = _mm_add_epi32(a1, biased_pairs(last));
  }
  return finish(_mm_add_epi32(_mm_add_epi32(a0, a1), _mm_add_epi32(a2, a3)), odd);
}

__attribute__((target("avx2"))) std::uint64_t sum_avx2(const std::byte* p, std::size_t n) {
  if (n < 32) return sum_scalar(p, n);  // as in sum_sse2
  std::uint64_t odd = 0;
  if (n & 1) odd = odd_byte(p + --n);
  const auto vectors = static_cast<int>((n + 31) / 32);
  __m256i a0 = _mm256_set1_epi32(65536 * vectors), a1 = _mm256_setzero_si256(), a2 = a1, a3 = a1;
  for (; n >= 128; p += 128, n -= 128) {
    a0 = _mm256_add_epi32(a0, biased_pairs(load256(p)));
    a1 = _mm256_add_epi32(a1, biased_pairs(load256(p + 32)));
    a2 = _mm256_add_epi32(a2, biased_pairs(load256(p + 64)));
    a3 = _mm256_add_epi32(a3, biased_pairs(load256(p + 96)));
  }
  for (; n >= 32; p += 32, n -= 32) a0 = _mm256_add_epi32(a0, biased_pairs(load256(p)));
  if (n != 0) {
    const __m256i last = _mm256_and_si256(load256(p + n - 32), load256(kKeepLast + n));
    a1 = _mm256_add_epi32(a1, biased_pairs(last));
  }
  const __m256i a = _mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3));
  return finish(_mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1)), odd);
}

// AVX-512 with VNNI: vpdpwssd multiplies 16-bit words by 1 and adds adjacent pairs into the 32-bit lanes of
// its accumulator in one instruction, so a 64-byte line costs an xor (the bias of the kernels above, which
// makes the signed multiply count each word as w - 32768) and one vpdpwssd. Four accumulators (eight were
// no faster at 64 KiB and slower at 1460 bytes, with the longer sum at the end). Unlike the 256-bit kernels,
// which split the bias-cancelling start among the accumulators, the correction is added once at the end:
// 65536 x (lines loaded) to every lane.
//
// Every load is of a whole aligned cache line (a 64-byte load that straddles two lines costs about half as
// much again): the first and the last line are masked loads, whose masked-off bytes read as zero and never
// fault (a zero word is biased like any other). The words are then paired from the aligned base, not from p;
// when p is odd that pairing is off by one byte, which multiplies the sum by 256 (mod 0xffff), and
// 256 x 256 == 1: the sum is multiplied by 256 again, a rotation by 8 bits of the 64-bit result (mod
// 2^64 - 1). An odd last byte pads with a zero byte, as RFC 1071 pads it, so there is no scalar head or tail.
//
// Bounds: at most kBlock = 64 KiB, i.e. 1025 lines, per call. A line adds within [-65536, 65534] to a lane,
// so a lane's biased sum stays within +-1025 x 65536 < 2^27 (int32), the corrected lane is at most
// 1025 x 2 x 65535 < 2^28, and the sixteen lanes together are below 2^32: their sum modulo 2^32 is exact.
//
// GCC 12's AVX-512 headers build some results from a self-initialised "undefined" vector, which
// -Wuninitialized reports where they are inlined (GCC bug 105593); the vectors here are all initialised.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define STRATA_AVX512 __attribute__((target("avx512f,avx512bw,avx512vnni")))
struct Avx512Consts {
  __m512i bias, ones;
};
STRATA_AVX512 inline __m512i add_biased_pairs(__m512i acc, __m512i v, const Avx512Consts& c) {
  return _mm512_dpwssd_epi32(acc, _mm512_xor_si512(v, c.bias), c.ones);
}
STRATA_AVX512 inline __m512i line_at(const std::byte* p) {
  return _mm512_load_si512(p);
}

STRATA_AVX512 std::uint64_t sum_avx512(const std::byte* p, std::size_t n) {
  if (n == 0) return 0;
  const std::size_t off = reinterpret_cast<std::uintptr_t>(p) & 63;
  // The aligned line holding p (made from the address: p - off may lie before the data's own object).
  const auto* line =
      reinterpret_cast<const std::byte*>(reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{63});
  std::size_t left = off + n;  // bytes from `line` to the end of the data
  const auto lines = static_cast<int>((left + 63) / 64);
  std::uint64_t mask = ~std::uint64_t{0} << off;
  const Avx512Consts c{_mm512_set1_epi16(static_cast<short>(0x8000)), _mm512_set1_epi16(1)};
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  if (left > 64) {
    a3 = add_biased_pairs(a3, _mm512_maskz_loadu_epi8(mask, line), c);
    line += 64;
    left -= 64;
    mask = ~std::uint64_t{0};
    for (; left > 256; line += 256, left -= 256) {
      a0 = add_biased_pairs(a0, line_at(line), c);
      a1 = add_biased_pairs(a1, line_at(line + 64), c);
      a2 = add_biased_pairs(a2, line_at(line + 128), c);
      a3 = add_biased_pairs(a3, line_at(line + 192), c);
    }
    if (left > 128) {
      a0 = add_biased_pairs(a0, line_at(line), c);
      a1 = add_biased_pairs(a1, line_at(line + 64), c);
      line += 128;
      left -= 128;
    }
    if (left > 64) {
      a2 = add_biased_pairs(a2, line_at(line), c);
      line += 64;
      left -= 64;
    }
  }
  // The last line: 1 to 64 bytes (and the first as well when the data lies within one line).
  if (left < 64) mask &= (std::uint64_t{1} << left) - 1;
  a1 = add_biased_pairs(a1, _mm512_maskz_loadu_epi8(mask, line), c);
  const __m512i a = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3));
  const __m512i lanes = _mm512_add_epi32(a, _mm512_set1_epi32(65536 * lines));
  const std::uint64_t s = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(lanes));
  return (off & 1) != 0 ? std::rotl(s, 8) : s;
}
#undef STRATA_AVX512
#pragma GCC diagnostic pop
#endif

// Runs a kernel over at most kBlock bytes at a time (kBlock is even, so every block starts at an even offset
// of the data and the partial sums simply add).
inline std::uint64_t sum_blocks(Kernel kernel, const std::byte* p, std::size_t n) {
  std::uint64_t s = 0;
  for (; n > kBlock; p += kBlock, n -= kBlock) s = add_ec(s, kernel(p, kBlock));
  return add_ec(s, kernel(p, n));
}

struct Impl {
  const char* name;
  Kernel kernel;
};

constexpr Impl kImpls[] = {
#if defined(__x86_64__)
    {"avx512", &sum_avx512},
    {"avx2", &sum_avx2},
    {"sse2", &sum_sse2},
#endif
    {"scalar", &sum_scalar_kernel},
};

bool cpu_has(std::string_view name) {
#if defined(__x86_64__)
  __builtin_cpu_init();  // harmless if already done; needed if we run before libgcc's constructor
  if (name == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
  if (name == "avx2") return __builtin_cpu_supports("avx2");
#endif
  (void)name;
  return true;  // sse2 is the x86-64 baseline; scalar runs anywhere
}

const Impl& best_impl() {
  for (const Impl& impl : kImpls)
    if (cpu_has(impl.name)) return impl;
  return kImpls[std::size(kImpls) - 1];
}

// The dispatched kernel. It starts as a resolver that picks the best kernel on the first call and installs
// it, so it is constant-initialised (no static-initialisation-order hazard) and costs one load afterwards.
std::uint64_t resolve_and_sum(const std::byte* p, std::size_t n);
std::atomic<Kernel> g_kernel{&resolve_and_sum};

std::uint64_t resolve_and_sum(const std::byte* p, std::size_t n) {
  const Kernel k = best_impl().kernel;
  g_kernel.store(k, std::memory_order_relaxed);
  return k(p, n);
}

template <Kernel K>
std::uint16_t ones_sum_via(core::Bytes data, std::uint16_t initial) {
  return fold(add_ec(sum_blocks(K, data.data(), data.size()), native_word(initial)));
}

}  // namespace

std::uint16_t detail::ones_sum_long(core::Bytes data, std::uint16_t initial) {
  return fold(add_ec(sum_blocks(g_kernel.load(std::memory_order_relaxed), data.data(), data.size()),
                     native_word(initial)));
}

std::uint16_t ones_sum_scalar(core::Bytes data, std::uint16_t initial) {
  return ones_sum_via<&sum_scalar_kernel>(data, initial);
}

const char* checksum_impl_name() {
  return best_impl().name;
}

OnesSumFn ones_sum_impl(std::string_view name) {
#if defined(__x86_64__)
  if (name == "avx512" && cpu_has("avx512")) return &ones_sum_via<&sum_avx512>;
  if (name == "avx2" && cpu_has("avx2")) return &ones_sum_via<&sum_avx2>;
  if (name == "sse2") return &ones_sum_via<&sum_sse2>;
#endif
  if (name == "scalar") return &ones_sum_via<&sum_scalar_kernel>;
  return nullptr;
}

}  // namespace strata::wire
