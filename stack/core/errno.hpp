// SPDX-License-Identifier: MIT
// errno-style results of socket calls, with Linux's values. It sits in core (not socket/) because transports
// decide some of them (EADDRINUSE at bind, ECONNREFUSED from an ICMP error) and must not include the facade.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::core {

enum class Errno : std::int16_t {
  Ok = 0,
  EBADF_ = 9,
  EAGAIN_ = 11,
  ENOMEM_ = 12,
  EFAULT_ = 14,
  EINVAL_ = 22,
  EMFILE_ = 24,
  ENOTSOCK_ = 88,
  EDESTADDRREQ_ = 89,
  EMSGSIZE_ = 90,
  EPROTOTYPE_ = 91,
  EPROTONOSUPPORT_ = 93,
  EOPNOTSUPP_ = 95,
  EAFNOSUPPORT_ = 97,
  EADDRINUSE_ = 98,
  EADDRNOTAVAIL_ = 99,
  ENETUNREACH_ = 101,
  ENOBUFS_ = 105,
  EISCONN_ = 106,
  ENOTCONN_ = 107,
  ETIMEDOUT_ = 110,
  ECONNREFUSED_ = 111,
  EHOSTUNREACH_ = 113,
};

constexpr std::string_view name(Errno e) {
  switch (e) {
    case Errno::Ok:
      return "OK";
    case Errno::EBADF_:
      return "EBADF";
    case Errno::EAGAIN_:
      return "EAGAIN";
    case Errno::ENOMEM_:
      return "ENOMEM";
    case Errno::EFAULT_:
      return "EFAULT";
    case Errno::EINVAL_:
      return "EINVAL";
    case Errno::EMFILE_:
      return "EMFILE";
    case Errno::ENOTSOCK_:
      return "ENOTSOCK";
    case Errno::EDESTADDRREQ_:
      return "EDESTADDRREQ";
    case Errno::EMSGSIZE_:
      return "EMSGSIZE";
    case Errno::EPROTOTYPE_:
      return "EPROTOTYPE";
    case Errno::EPROTONOSUPPORT_:
      return "EPROTONOSUPPORT";
    case Errno::EOPNOTSUPP_:
      return "EOPNOTSUPP";
    case Errno::EAFNOSUPPORT_:
      return "EAFNOSUPPORT";
    case Errno::EADDRINUSE_:
      return "EADDRINUSE";
    case Errno::EADDRNOTAVAIL_:
      return "EADDRNOTAVAIL";
    case Errno::ENETUNREACH_:
      return "ENETUNREACH";
    case Errno::ENOBUFS_:
      return "ENOBUFS";
    case Errno::EISCONN_:
      return "EISCONN";
    case Errno::ENOTCONN_:
      return "ENOTCONN";
    case Errno::ETIMEDOUT_:
      return "ETIMEDOUT";
    case Errno::ECONNREFUSED_:
      return "ECONNREFUSED";
    case Errno::EHOSTUNREACH_:
      return "EHOSTUNREACH";
  }
  return "E?";
}

}  // namespace strata::core
