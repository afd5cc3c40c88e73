// SPDX-License-Identifier: MIT
// Result<T, E>: a value or an error, the subset of std::expected (C++23) we use. No exceptions on the receive
// path: parse() and send() return a Result whose error is a Reason (or an Errno at the socket facade).
#pragma once

#include <cassert>
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

template <class T, class E = Reason>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  constexpr Result(const T& v) : v_(std::in_place_index<0>, v) {}  // NOLINT(google-explicit-constructor)
  constexpr Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT
  template <class G>
    requires std::is_convertible_v<G, E>
  constexpr Result(Err<G> e) : v_(std::in_place_index<1>, E(e.error)) {}  // NOLINT

  constexpr bool ok() const { return v_.index() == 0; }
  constexpr explicit operator bool() const { return ok(); }
  constexpr T& value() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  constexpr const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  constexpr T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  constexpr E error() const {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> v_;
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
