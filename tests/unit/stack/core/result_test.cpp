// SPDX-License-Identifier: MIT
// Result<T, E>: a value or an error (the std::expected subset the stack uses), and Result<void, E>.
#include "stack/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "stack/core/errno.hpp"

namespace strata::core {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return fail(Reason::Ipv4BadFragment);
  return x / 2;
}

Result<void> check(bool ok) {
  if (!ok) return fail(Reason::UdpBadLength);
  return {};
}

TEST(Result, HoldsValue) {
  Result<int> r = half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 4);
  EXPECT_EQ(*r, 4);
}

TEST(Result, HoldsError) {
  Result<int> r = half(7);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error(), Reason::Ipv4BadFragment);
}

TEST(Result, ValueIsMutableThroughReferenceAndArrow) {
  Result<std::string> r = std::string("strata");
  r.value() += "!";
  EXPECT_EQ(r->size(), 7u);
  *r = "x";
  EXPECT_EQ(r.value(), "x");
  const Result<std::string>& cr = r;
  EXPECT_EQ(cr->front(), 'x');
  EXPECT_EQ(*cr, "x");
}

TEST(Result, MovesMoveOnlyValueOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(42);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 42);
}

TEST(Result, CarriesOtherErrorTypes) {
  Result<int, Errno> r = fail(Errno::ECONNREFUSED_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errno::ECONNREFUSED_);
  Result<int, Errno> v = 3;
  EXPECT_EQ(*v, 3);
}

TEST(Result, ErrorConvertsFromCompatibleType) {
  Result<int, long> r = fail(5);  // Err<int> into a long error
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), 5L);
}

TEST(Result, ValueOfSameTypeAsErrorIsAValue) {
  Result<Reason> r = Reason::TcpNoSocket;  // a Reason as the value: ok
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Reason::TcpNoSocket);
  Result<Reason> e = fail(Reason::TcpNoSocket);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error(), Reason::TcpNoSocket);
}

TEST(Result, IsUsableInConstantExpressions) {
  constexpr Result<int> v = 3;
  constexpr Result<int> e = fail(Reason::None);
  static_assert(v.ok() && *v == 3);
  static_assert(!e.ok() && e.error() == Reason::None);
  SUCCEED();
}

TEST(ResultVoid, DefaultIsOk) {
  Result<void> r = check(true);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
}

TEST(ResultVoid, HoldsError) {
  Result<void> r = check(false);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error(), Reason::UdpBadLength);
}

TEST(ResultVoid, CarriesOtherErrorTypes) {
  Result<void, Errno> r = fail(Errno::EADDRINUSE_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errno::EADDRINUSE_);
  constexpr Result<void, Errno> ok;
  static_assert(ok.ok());
}

}  // namespace
}  // namespace strata::core
