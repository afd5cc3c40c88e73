// SPDX-License-Identifier: MIT
#include "sim/apps/builtin_apps.hpp"

#include "stack/core/rng.hpp"

namespace strata::sim::apps {

void fill_payload(std::uint64_t seed, std::uint64_t stream, core::MutBytes out) {
  // why the odd constant: streams of one seed must not be one generator shifted by a reseed step.
  core::Rng rng(seed ^ (stream * 0xd1b54a32d192ed03ULL));
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) word = rng.next();
    out[i] = static_cast<std::byte>(word >> (8 * (i % 8)));  // byte order fixed: same bytes on every host
  }
}

}  // namespace strata::sim::apps
