// SPDX-License-Identifier: MIT
// The Internet checksum against a plain RFC 1071 §4.1 byte-pair loop: every implementation (the dispatched
// one, the scalar one, and each vector kernel this CPU can run) at every length and start offset, carry
// stress, known vectors, chaining, the pseudo-header, and RFC 1624 incremental updates.
#include "stack/wire/checksum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace strata::wire {
namespace {

using Buffer = std::vector<std::byte>;

// RFC 1071 §4.1: big-endian 16-bit words, an odd last byte padded with zero, folded, not complemented.
std::uint16_t reference_sum(core::Bytes data, std::uint16_t initial = 0) {
  std::uint64_t sum = initial;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2)
    sum += std::uint32_t{std::to_integer<std::uint8_t>(data[i])} << 8 |
           std::to_integer<std::uint8_t>(data[i + 1]);
  if (i < data.size()) sum += std::uint32_t{std::to_integer<std::uint8_t>(data[i])} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

Buffer random_bytes(std::mt19937_64& rng, std::size_t n) {
  Buffer b(n);
  for (auto& x : b) x = static_cast<std::byte>(rng());
  return b;
}

Buffer from_words(std::initializer_list<std::uint16_t> words) {
  Buffer b;
  for (std::uint16_t w : words) {
    b.push_back(static_cast<std::byte>(w >> 8));
    b.push_back(static_cast<std::byte>(w));
  }
  return b;
}

std::uint16_t word_at(const Buffer& b, std::size_t off) {
  return core::load_be16(b.data() + off);
}
void set_word(Buffer& b, std::size_t off, std::uint16_t v) {
  core::store_be16(b.data() + off, v);
}

struct Impl {
  std::string name;
  OnesSumFn fn;
};

// Everything that computes the sum: the public entry points and each kernel available here.
std::vector<Impl> all_impls() {
  std::vector<Impl> impls = {
      {"ones_sum", [](core::Bytes d, std::uint16_t i) { return ones_sum(d, i); }},
      {"ones_sum_scalar", [](core::Bytes d, std::uint16_t i) { return ones_sum_scalar(d, i); }}};
  for (const char* name : {"avx512", "avx2", "sse2", "scalar"})
    if (OnesSumFn fn = ones_sum_impl(name)) impls.push_back({name, fn});
  return impls;
}

// Each case gets its own exact-size heap buffer with the data at its very end, so a read past the span is
// a heap overflow under AddressSanitizer (a shared big buffer would hide it).
void expect_all_match_reference(const Buffer& content, std::size_t offset, std::uint16_t initial,
                                const std::vector<Impl>& impls) {
  Buffer storage(offset + content.size());
  std::copy(content.begin(), content.end(), storage.begin() + static_cast<std::ptrdiff_t>(offset));
  const core::Bytes data = core::Bytes(storage).subspan(offset);
  const std::uint16_t want = reference_sum(data, initial);
  for (const Impl& impl : impls)
    ASSERT_EQ(impl.fn(data, initial), want)
        << impl.name << " length " << content.size() << " offset " << offset << " initial " << initial;
}

TEST(Checksum, VectorPathMatchesReferenceAtEveryOffsetAndLength) {
  const auto impls = all_impls();
  std::mt19937_64 rng(1071);
  for (std::size_t len = 0; len <= 2100; ++len) {
    const Buffer content = random_bytes(rng, len);
    for (std::size_t off = 0; off < 8; ++off)
      ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(content, off, 0, impls));
  }
}

TEST(Checksum, StartsAnywhereInACacheLineMatchReference) {
  const auto impls = all_impls();
  std::mt19937_64 rng(54);
  for (std::size_t len : {0, 1, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129, 255, 1460, 1461, 1500}) {
    const Buffer content = random_bytes(rng, len);
    for (std::size_t off = 0; off < 64; ++off)
      ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(content, off, 0, impls));
  }
}

TEST(Checksum, AllOnesDataStressesCarriesAtEveryOffsetAndLength) {
  const auto impls = all_impls();
  for (std::size_t len = 0; len <= 2100; ++len) {
    const Buffer content(len, std::byte{0xff});
    for (std::size_t off = 0; off < 8; ++off) {
      ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(content, off, 0, impls));
      ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(content, off, 0xffff, impls));
    }
  }
}

TEST(Checksum, LargeBuffersSpanningSeveralBlocksMatchReference) {
  const auto impls = all_impls();
  std::mt19937_64 rng(1624);
  for (std::size_t len : {std::size_t{1} << 20, (std::size_t{3} << 20) + 1, (std::size_t{4} << 20) + 62}) {
    ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(random_bytes(rng, len), 1, 0x1234, impls));
    ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(Buffer(len, std::byte{0xff}), 3, 0, impls));
    // Zero words give the most negative biased madds.
    ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(Buffer(len), 5, 0, impls));
  }
}

TEST(Checksum, InitialValueIsAddedOnesComplement) {
  const auto impls = all_impls();
  std::mt19937_64 rng(768);
  for (int i = 0; i < 2000; ++i) {
    const std::size_t len = rng() % 1600;
    ASSERT_NO_FATAL_FAILURE(expect_all_match_reference(random_bytes(rng, len), rng() % 8,
                                                       static_cast<std::uint16_t>(rng()), impls));
  }
}

TEST(Checksum, ZeroDataSumsToPositiveZeroAndNonZeroDataNeverDoes) {
  for (const Impl& impl : all_impls()) {
    for (std::size_t len : {0, 1, 2, 64, 1460, 5000}) {
      const Buffer zeros(len);
      EXPECT_EQ(impl.fn(zeros, 0), 0x0000) << impl.name << " " << len;
      EXPECT_EQ(impl.fn(zeros, 0xffff), 0xffff) << impl.name << " " << len;
    }
    // 0x1234 + 0xedcb = 0xffff: one's-complement zero, written as -0 (0xffff) for non-zero data.
    EXPECT_EQ(impl.fn(from_words({0x1234, 0xedcb}), 0), 0xffff) << impl.name;
  }
}

TEST(Checksum, Rfc1071NumericalExampleSumsToDdf2) {
  // RFC 1071 §3: 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2.
  const Buffer data = from_words({0x0001, 0xf203, 0xf4f5, 0xf6f7});
  for (const Impl& impl : all_impls()) EXPECT_EQ(impl.fn(data, 0), 0xddf2) << impl.name;
}

TEST(Checksum, Ipv4HeaderExampleHasChecksumB861) {
  Buffer header =
      from_words({0x4500, 0x0073, 0x0000, 0x4000, 0x4011, 0x0000, 0xc0a8, 0x0001, 0xc0a8, 0x00c7});
  EXPECT_EQ(internet_checksum(header), 0xb861);
  set_word(header, 10, 0xb861);
  EXPECT_EQ(ones_sum(header), 0xffff);
}

TEST(Checksum, OddLastByteIsTheHighByteOfAZeroPaddedWord) {
  const Buffer odd = {std::byte{0x12}, std::byte{0x34}, std::byte{0xab}};
  for (const Impl& impl : all_impls()) EXPECT_EQ(impl.fn(odd, 0), 0x12 * 256 + 0x34 + 0xab00) << impl.name;
}

TEST(Checksum, BufferIncludingItsChecksumVerifiesToAllOnes) {
  std::mt19937_64 rng(9293);
  for (int i = 0; i < 500; ++i) {
    Buffer data = random_bytes(rng, 2 + rng() % 1500);
    const std::size_t field = (rng() % (data.size() / 2)) * 2;
    set_word(data, field, 0);
    set_word(data, field, internet_checksum(data));
    EXPECT_EQ(ones_sum(data), 0xffff) << "length " << data.size() << " field " << field;
  }
}

TEST(Checksum, SumsOfEvenPiecesChainThroughInitialAndOnesAdd) {
  std::mt19937_64 rng(1141);
  for (int i = 0; i < 1000; ++i) {
    const Buffer data = random_bytes(rng, rng() % 3000);
    const std::size_t cut = (rng() % (data.size() / 2 + 1)) * 2;  // even, so the tail piece keeps alignment
    const core::Bytes whole(data), head = whole.first(cut), tail = whole.subspan(cut);
    const std::uint16_t want = ones_sum(whole);
    EXPECT_EQ(ones_add(ones_sum(head), ones_sum(tail)), want) << data.size() << " cut " << cut;
    EXPECT_EQ(ones_sum(tail, ones_sum(head)), want) << data.size() << " cut " << cut;
    EXPECT_EQ(ones_sum_scalar(tail, ones_sum_scalar(head)), want) << data.size() << " cut " << cut;
  }
}

TEST(Checksum, PseudoHeaderSumEqualsSumOfTheSerialisedPseudoHeader) {
  std::mt19937_64 rng(768);
  auto check = [](std::uint32_t src, std::uint32_t dst, std::uint8_t proto, std::uint16_t len) {
    // RFC 768 / RFC 9293 §3.1: src(4) dst(4) zero(1) protocol(1) length(2).
    Buffer ph(12);
    core::store_be32(ph.data(), src);
    core::store_be32(ph.data() + 4, dst);
    ph[9] = static_cast<std::byte>(proto);
    core::store_be16(ph.data() + 10, len);
    EXPECT_EQ(pseudo_header_sum(src, dst, proto, len), reference_sum(ph))
        << std::hex << src << " " << dst << " " << int{proto} << " " << len;
  };
  check(0xc0000202, 0xc0000201, 6, 1480);  // 192.0.2.2 -> 192.0.2.1, TCP
  check(0xc0a80001, 0xc0a800c7, 17, 8);
  check(0, 0, 0, 0);
  check(0xffffffff, 0xffffffff, 0xff, 0xffff);
  for (int i = 0; i < 1000; ++i)
    check(static_cast<std::uint32_t>(rng()), static_cast<std::uint32_t>(rng()),
          static_cast<std::uint8_t>(rng()), static_cast<std::uint16_t>(rng()));
  static_assert(pseudo_header_sum(0, 0, 0, 0) == 0);
}

TEST(Checksum, FoldsToFfffIsFoldEqualsFfffForAnySum) {
  // The received-checksum test (a divisibility test) against the fold it stands for: zero, all ones, the
  // multiples of 0xffff around every 16-bit boundary, their neighbours, and random sums.
  auto check = [](std::uint64_t s) {
    ASSERT_EQ(detail::folds_to_ffff(s), detail::fold(s) == 0xffff) << std::hex << s;
  };
  for (std::uint64_t s : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xfffe}, std::uint64_t{0xffff},
                          std::uint64_t{0x10000}, ~std::uint64_t{0}, ~std::uint64_t{0} - 1})
    check(s);
  for (unsigned shift = 0; shift < 48; ++shift)
    for (std::uint64_t k :
         {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{0xffff}, std::uint64_t{0x10001}}) {
      const std::uint64_t m = (k << shift) * 0xffff;
      check(m);
      check(m + 1);
      check(m - 1);
    }
  std::mt19937_64 rng(1071);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t r = rng();
    check(r);
    check(r - r % 0xffff);  // a multiple of 0xffff
  }
}

TEST(Checksum, InlineShortSumMatchesScalarKernelAtEveryLengthAndStart) {
  // sum_short() (add-with-carry chains on x86-64) against the portable kernel, on all-ones data (every add
  // carries) and random data, with all-ones and zero starting values.
  std::mt19937_64 rng(1);
  for (std::size_t n = 0; n <= 200; ++n) {
    const Buffer ones(n, std::byte{0xff});
    const Buffer random = random_bytes(rng, n);
    for (const Buffer* b : {&ones, &random})
      for (std::uint64_t start : {std::uint64_t{0}, ~std::uint64_t{0}, std::uint64_t{0x11}, rng()}) {
        const std::uint64_t got = detail::sum_short(b->data(), n, start);
        const std::uint64_t want = detail::sum_scalar(b->data(), n, start);
        ASSERT_EQ(detail::fold(got), detail::fold(want)) << n << " start " << std::hex << start;
        // Zero only when everything summed was zero.
        const bool all_zero =
            start == 0 && std::all_of(b->begin(), b->end(), [](std::byte x) { return x == std::byte{0}; });
        ASSERT_EQ(got == 0, all_zero) << n;
      }
  }
}

TEST(Checksum, PseudoRunCheckAgreesWithThePseudoHeaderSum) {
  // pseudo_run_ok() reads the addresses in place, just before the segment; it must say what
  // pseudo_ones_sum() == 0xffff says, on both sides of the inline/vector length split, for segments whose
  // checksum holds and for ones where one bit is off.
  std::mt19937_64 rng(9293);
  for (std::size_t len = 8; len <= 300; ++len) {
    Buffer run = random_bytes(rng, 8 + len);
    const std::uint32_t src = core::load_be32(run.data()), dst = core::load_be32(run.data() + 4);
    const core::Bytes seg = core::Bytes(run).subspan(8);
    const auto length = static_cast<std::uint16_t>(len);
    set_word(run, 8 + 6, 0);
    set_word(run, 8 + 6, static_cast<std::uint16_t>(~pseudo_ones_sum(seg, src, dst, 17, length)));
    ASSERT_EQ(pseudo_ones_sum(seg, src, dst, 17, length), 0xffff) << len;
    EXPECT_TRUE(pseudo_run_ok(run, 17, length)) << len;
    EXPECT_FALSE(pseudo_run_ok(run, 6, length)) << len;  // another protocol in the pseudo-header
    EXPECT_FALSE(pseudo_run_ok(run, 17, static_cast<std::uint16_t>(length + 2))) << len;
    run[rng() % (8 + len)] ^= std::byte{0x04};  // an address or a segment bit
    EXPECT_FALSE(pseudo_run_ok(run, 17, length)) << len;
  }
}

TEST(Checksum, Rfc1624ExampleUpdateGivesPositiveZeroLikeRecomputation) {
  // RFC 1624 §3: other fields sum to 0xcd7a, m = 0x5555 -> m' = 0x3285. HC = 0xdd2f; recomputation gives
  // ~(0xcd7a + 0x3285) = ~0xffff = 0x0000, and so must eqn. 3 (eqn. 2 would give 0xffff).
  Buffer data = from_words({0xcd7a, 0x5555, 0x0000});
  const std::uint16_t hc = internet_checksum(data);
  ASSERT_EQ(hc, 0xdd2f);
  set_word(data, 2, 0x3285);
  EXPECT_EQ(internet_checksum(data), 0x0000);
  EXPECT_EQ(checksum_update16(hc, 0x5555, 0x3285), 0x0000);
  static_assert(checksum_update16(0xdd2f, 0x5555, 0x3285) == 0x0000);
}

// Random data with a checksum field; changes words (16- or 32-bit) and compares the RFC 1624 update with a
// full recomputation, and checks the updated buffer still verifies.
TEST(Checksum, IncrementalUpdateEqualsFullRecomputation) {
  std::mt19937_64 rng(1624);
  for (int i = 0; i < 5000; ++i) {
    Buffer data = random_bytes(rng, 8 + (rng() % 700) * 2);
    constexpr std::size_t kField = 2;
    set_word(data, kField, 0);
    std::uint16_t checksum = internet_checksum(data);
    for (int change = 0; change < 4; ++change) {
      std::size_t at = 4 + (rng() % ((data.size() - 4) / 2)) * 2;
      if (rng() % 2 && at + 4 <= data.size()) {
        const std::uint32_t old_value = core::load_be32(data.data() + at);
        const auto new_value = static_cast<std::uint32_t>(rng());
        core::store_be32(data.data() + at, new_value);
        checksum = checksum_update32(checksum, old_value, new_value);
      } else {
        const std::uint16_t old_word = word_at(data, at);
        // Every third change drives the sum to 0xffff, so the checksum becomes 0x0000 (RFC 1624 §3 corner).
        std::uint16_t new_word = static_cast<std::uint16_t>(rng());
        if (change % 3 == 2) {
          set_word(data, at, 0);
          new_word = static_cast<std::uint16_t>(~ones_sum(data));
        }
        set_word(data, at, new_word);
        checksum = checksum_update16(checksum, old_word, new_word);
        if (change % 3 == 2) {
          ASSERT_EQ(ones_sum(data), 0xffff);
          ASSERT_EQ(checksum, 0x0000);
        }
      }
      ASSERT_EQ(checksum, internet_checksum(data)) << "iteration " << i << " change " << change;
      set_word(data, kField, checksum);
      ASSERT_EQ(ones_sum(data), 0xffff);
      set_word(data, kField, 0);
    }
  }
}

TEST(Checksum, IncrementalUpdateToAllZeroDataGivesPositiveZeroWhereRecomputationGivesNegativeZero) {
  // The one case where eqn. 3 and recomputation differ (RFC 1624 §3 notes real headers never hit it): when
  // the change leaves every covered word zero, recomputation gives ~0x0000 = 0xffff but eqn. 3 gives 0x0000.
  // Both are one's-complement zero.
  Buffer data = from_words({0x0000, 0xabcd, 0x0000});
  const std::uint16_t hc = internet_checksum(data);
  EXPECT_EQ(hc, static_cast<std::uint16_t>(~0xabcd));
  set_word(data, 2, 0x0000);
  EXPECT_EQ(internet_checksum(data), 0xffff);
  EXPECT_EQ(checksum_update16(hc, 0xabcd, 0x0000), 0x0000);
}

TEST(Checksum, DispatchedImplementationIsTheBestThisCpuRuns) {
  const std::string name = checksum_impl_name();
  EXPECT_TRUE(name == "avx512" || name == "avx2" || name == "sse2" || name == "scalar") << name;
  EXPECT_NE(ones_sum_impl(name), nullptr);
  EXPECT_NE(ones_sum_impl("scalar"), nullptr);
  EXPECT_EQ(ones_sum_impl("neon"), nullptr);
#if defined(__x86_64__)
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vnni");
  EXPECT_EQ(name, avx512 ? "avx512" : __builtin_cpu_supports("avx2") ? "avx2" : "sse2");
  EXPECT_EQ(ones_sum_impl("avx512") != nullptr, avx512);
  EXPECT_NE(ones_sum_impl("sse2"), nullptr);
#else
  EXPECT_EQ(name, "scalar");
#endif
}

}  // namespace
}  // namespace strata::wire
