// SPDX-License-Identifier: MIT
// repo_root(): the source tree, for tests that read the checked-in captures. STRATA_SOURCE_DIR is defined for
// every test executable by tests/CMakeLists.txt.
#pragma once

#include <filesystem>

namespace strata::test {

inline std::filesystem::path repo_root() {
  return STRATA_SOURCE_DIR;
}

}  // namespace strata::test
