// SPDX-License-Identifier: MIT
// error_of: a socket call's outcome as one Errno (Ok on success), so a test states either in one EXPECT_EQ.
#pragma once

#include "stack/socket/socket_api.hpp"

namespace strata::test {

template <class T>
core::Errno error_of(const socket::SockResult<T>& r) {
  return r.ok() ? core::Errno::Ok : r.error();
}

}  // namespace strata::test
