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

// Integer and enum values with an integer or enum error are packed in one 8-byte word (see result.hpp): every
// bit of the value must come back, and none of it may read as the error or the ok flag.
template <class T, class E>
void expect_round_trip(T v, E e) {
  const Result<T, E> ok = v;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, v);
  const Result<T, E> err = fail(e);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error(), e);
}

TEST(Result, SmallScalarsKeepEveryBitOfValueAndError) {
  static_assert(sizeof(Result<short, Errno>) == 8 && sizeof(Result<int, Errno>) == 8);
  for (short v : {short{0}, short{-1}, short{1}, short{-32768}, short{32767}})
    expect_round_trip<short, Errno>(v, Errno::EBADF_);
  for (int v : {0, -1, 1, -2147483647 - 1, 2147483647}) expect_round_trip<int, Errno>(v, Errno::EAGAIN_);
  expect_round_trip<std::uint16_t, Errno>(0xffff, Errno::EMSGSIZE_);
  expect_round_trip<std::uint8_t, Reason>(0xff, Reason::UdpBadLength);
  expect_round_trip<bool, Reason>(true, Reason::None);
  expect_round_trip<bool, Reason>(false, Reason::TcpNoSocket);
  expect_round_trip<Reason, Errno>(Reason::UdpBadChecksum, Errno::ECONNREFUSED_);
  // A negative error value (an int16 enum below zero would sign-extend into the ok flag if packed
  // carelessly).
  expect_round_trip<short, Errno>(-5, static_cast<Errno>(-1));
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
