// SPDX-License-Identifier: MIT
// copy_bytes: the datagram paths' payload copy, inline up to 64 bytes, memcpy beyond.
#include "stack/core/bytes.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace strata::core {
namespace {

// Every length through and past the inline limit, at every source and destination misalignment mod 16: the
// destination gets exactly the source's bytes, and not one byte around it changes.
TEST(CopyBytes, CopiesExactlyNBytesAtEveryLengthAndAlignment) {
  constexpr std::size_t kMax = 140;
  alignas(64) std::array<std::byte, kMax + 64> src{};
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = std::byte(static_cast<std::uint8_t>(i * 7 + 1));
  for (std::size_t n = 0; n <= kMax; ++n) {
    for (std::size_t so = 0; so < 16; so += 3) {
      for (std::size_t d_off = 0; d_off < 16; d_off += 5) {
        alignas(64) std::array<std::byte, kMax + 64> dst{};
        dst.fill(std::byte{0xee});
        copy_bytes(dst.data() + 8 + d_off, src.data() + so, n);
        for (std::size_t i = 0; i < dst.size(); ++i) {
          const bool inside = i >= 8 + d_off && i < 8 + d_off + n;
          const std::byte want = inside ? src[so + (i - 8 - d_off)] : std::byte{0xee};
          ASSERT_EQ(dst[i], want) << "n " << n << " src offset " << so << " dst offset " << d_off << " byte "
                                  << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace strata::core
