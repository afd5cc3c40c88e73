// SPDX-License-Identifier: MIT
// Result<T, E>: a value or an error, the subset of std::expected (C++23) we use. No exceptions on the receive
// path: parse() and send() return a Result whose error is a Reason (or an Errno at the socket facade).
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "stack/core/reason.hpp"

namespace strata::core {

template <class E>
struct Err {
  E error;
};
template <class E>
Err(E) -> Err<E>;

template <class E>
constexpr Err<E> fail(E e) {
  return Err<E>{e};
}

namespace detail {
template <class T, class E>
struct alignas(8) ResultWord {
  T v;
  E e;
  bool ok;
};
template <class U>
inline constexpr bool kScalar = std::is_integral_v<U> || std::is_enum_v<U>;
template <class T, class E>
inline constexpr bool kWordable = kScalar<T>&& kScalar<E> &&
                                  sizeof(ResultWord<T, E>) == 8 && std::endian::native == std::endian::little;
}  // namespace detail

template <class T, class E = Reason>
class [[nodiscard]] Result {
  // Trivially copyable values (views, sizes, ids) live in a plain struct next to a bool: the result is built
  // and returned in registers. std::variant is built in memory, and a caller that reads it back as a register
  // pair stalls on a failed store-to-load forward (a byte store of the index, an 8-byte load) on every call.
  static constexpr bool kTrivial = std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T> &&
                                   std::is_default_constructible_v<T> && std::is_trivially_copyable_v<E>;
  struct Trivial {
    T v{};
    E e{};
    bool ok;
  };
  // An integer or enum value with an integer or enum error fits one 8-byte word. GCC builds the plain struct
  // above with narrow stores and returns it with one wide load, which stalls (~40 cycles) on every call;
  // built as one word by arithmetic and bit_cast, it is stored and loaded whole, or not at all.
  using Word = detail::ResultWord<T, E>;
  static constexpr bool kWord = kTrivial && detail::kWordable<T, E>;
  template <class U>
  static constexpr std::uint64_t bits(U u) {
    if constexpr (std::is_enum_v<U>)
      return static_cast<std::make_unsigned_t<std::underlying_type_t<U>>>(u);
    else if constexpr (std::is_same_v<U, bool>)
      return u ? 1 : 0;
    else
      return static_cast<std::make_unsigned_t<U>>(u);
  }
  using Storage = std::conditional_t<kWord, Word, std::conditional_t<kTrivial, Trivial, std::variant<T, E>>>;

 public:
  using value_type = T;
  using error_type = E;

  constexpr Result(const T& v) : s_(make_value(v)) {}        // NOLINT(google-explicit-constructor)
  constexpr Result(T&& v) : s_(make_value(std::move(v))) {}  // NOLINT
  template <class G>
  requires std::is_convertible_v<G, E>
  constexpr Result(Err<G> e) : s_(make_error(E(e.error))) {}  // NOLINT

  constexpr bool ok() const {
    if constexpr (kTrivial)
      return s_.ok;
    else
      return s_.index() == 0;
  }
  constexpr explicit operator bool() const { return ok(); }
  constexpr T& value() & {
    assert(ok());
    return *ptr();
  }
  constexpr const T& value() const& {
    assert(ok());
    return *ptr();
  }
  constexpr T&& value() && {
    assert(ok());
    return std::move(*ptr());
  }
  constexpr E error() const {
    assert(!ok());
    if constexpr (kTrivial)
      return s_.e;
    else
      return *std::get_if<1>(&s_);
  }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }

 private:
  template <class U>
  static constexpr Storage make_value(U&& v) {
    if constexpr (kWord) {
      return std::bit_cast<Word>(bits(T(v)) | std::uint64_t{1} << (8 * offsetof(Word, ok)));
    } else if constexpr (kTrivial) {
      Storage s{.v = std::forward<U>(v), .ok = true};
      return s;
    } else {
      return Storage(std::in_place_index<0>, std::forward<U>(v));
    }
  }
  static constexpr Storage make_error(E e) {
    if constexpr (kWord) {
      return std::bit_cast<Word>(bits(e) << (8 * offsetof(Word, e)));
    } else if constexpr (kTrivial) {
      Storage s{.e = e, .ok = false};
      return s;
    } else {
      return Storage(std::in_place_index<1>, e);
    }
  }
  constexpr T* ptr() {
    if constexpr (kTrivial)
      return &s_.v;
    else
      return std::get_if<0>(&s_);
  }
  constexpr const T* ptr() const {
    if constexpr (kTrivial)
      return &s_.v;
    else
      return std::get_if<0>(&s_);
  }

  Storage s_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  constexpr Result() = default;
  template <class G>
  requires std::is_convertible_v<G, E>
  constexpr Result(Err<G> e) : err_(E(e.error)), ok_(false) {}  // NOLINT
  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E error() const {
    assert(!ok_);
    return err_;
  }

 private:
  E err_{};
  bool ok_ = true;
};

}  // namespace strata::core
