// SPDX-License-Identifier: MIT
// The receive path's checksum shortcuts against the general ones_sum(): pseudo_ones_sum() (the pseudo-header
// added into the 64-bit sum, inline for short segments) and Ipv4View::checksum_ok()'s 20-byte header path.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {
namespace {

using Buffer = std::vector<std::byte>;

Buffer random_bytes(std::mt19937& rng, std::size_t n) {
  Buffer b(n);
  for (auto& x : b) x = static_cast<std::byte>(rng() & 0xff);
  return b;
}

TEST(PseudoOnesSum, MatchesOnesSumWithThePseudoHeaderAtEveryLength) {
  std::mt19937 rng(7);
  // Past detail::kShortInput (the inline path) into the vector path.
  for (std::size_t n = 0; n <= 3 * detail::kShortInput; ++n) {
    const Buffer seg = random_bytes(rng, n);
    const std::uint32_t src = rng(), dst = rng();
    const auto len = static_cast<std::uint16_t>(rng());
    for (std::uint8_t proto : {std::uint8_t{6}, std::uint8_t{17}}) {
      const core::Bytes b(seg.data(), seg.size());
      EXPECT_EQ(pseudo_ones_sum(b, src, dst, proto, len),
                ones_sum(b, pseudo_header_sum(src, dst, proto, len)))
          << "n=" << n;
    }
  }
}

TEST(PseudoOnesSum, AllOnesCarries) {
  for (std::size_t n = 0; n <= 2 * detail::kShortInput; ++n) {
    const Buffer seg(n, std::byte{0xff});
    const core::Bytes b(seg.data(), seg.size());
    EXPECT_EQ(pseudo_ones_sum(b, 0xffffffffu, 0xffffffffu, 0xff, 0xffff),
              ones_sum(b, pseudo_header_sum(0xffffffffu, 0xffffffffu, 0xff, 0xffff)))
        << "n=" << n;
  }
}

// A header with `options` bytes of options, total length = header, checksum right or off by one.
Buffer ipv4_header(std::mt19937& rng, std::size_t options, bool good) {
  Buffer h = random_bytes(rng, 20 + options);
  h[0] = static_cast<std::byte>(0x40 | ((20 + options) / 4));
  core::store_be16(h.data() + 2, static_cast<std::uint16_t>(h.size()));
  core::store_be16(h.data() + 10, 0);
  std::uint16_t c = internet_checksum(core::Bytes(h.data(), h.size()));
  // One off is always wrong, but 0x0000 and 0xffff are the same one's-complement value: never step onto it.
  if (!good) c = c == 0xffff ? 0xfffe : static_cast<std::uint16_t>(c + 1);
  core::store_be16(h.data() + 10, c);
  return h;
}

TEST(Ipv4ChecksumOk, TwentyBytePathAgreesWithTheGeneralSum) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i)
    for (std::size_t options : {std::size_t{0}, std::size_t{4}, std::size_t{40}})
      for (bool good : {true, false}) {
        const Buffer h = ipv4_header(rng, options, good);
        auto v = Ipv4View::parse(core::Bytes(h.data(), h.size()));
        ASSERT_TRUE(v);
        EXPECT_EQ(v->checksum_ok(), ones_sum(v->header()) == 0xffff);
        EXPECT_EQ(v->checksum_ok(), good) << "options=" << options;
      }
}

}  // namespace
}  // namespace strata::wire
