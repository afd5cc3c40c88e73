// SPDX-License-Identifier: MIT
// Counting global allocator for allocation tests. Linking counting_allocator.cpp into an executable replaces
// every form of global operator new / delete (plain, array, nothrow, aligned, sized) with malloc/free-based
// versions that count calls. Only for single-purpose test executables (tests/alloc): it changes new for the
// whole program.
//
//   const auto before = strata::test::allocations();
//   ... code under test ...
//   EXPECT_EQ(strata::test::allocations() - before, 0u);
#pragma once

#include <cstdint>

namespace strata::test {

/// Calls to any global operator new since the program started (failed nothrow calls included).
std::uint64_t allocations();
/// Calls to any global operator delete with a non-null pointer since the program started.
std::uint64_t deallocations();

/// Counts the allocations made while it is alive.
class AllocationScope {
 public:
  AllocationScope() : start_(allocations()) {}
  std::uint64_t count() const { return allocations() - start_; }

 private:
  std::uint64_t start_;
};

}  // namespace strata::test
