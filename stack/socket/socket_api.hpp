// SPDX-License-Identifier: MIT
// The BSD-style socket facade: an fd table over transport endpoints, errno-style results, poll-style
// readiness. Everything is non-blocking; the blocking textbook style is the apps' business (sim/apps).
// Today: AF_INET datagram sockets; stream sockets come with TCP.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "stack/core/errno.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/transport/endpoint.hpp"
#include "stack/transport/udp.hpp"

namespace strata::socket {

inline constexpr int kAfInet = 2;       // AF_INET
inline constexpr int kSockStream = 1;   // SOCK_STREAM
inline constexpr int kSockDgram = 2;    // SOCK_DGRAM
inline constexpr short kPollIn = 0x001, kPollOut = 0x004, kPollErr = 0x008;

using SockAddrIn = transport::Endpoint;
using core::Errno;
template <class T>
using SockResult = core::Result<T, Errno>;

class SocketApi {
 public:
  /// `now` is the host's last instant handed in: socket calls run at it.
  SocketApi(core::StackContext& ctx, transport::UdpLayer& udp, const core::Instant& now)
      : ctx_(ctx), udp_(udp), now_(now) {}

  SockResult<int> socket(int domain, int type, int protocol = 0);
  SockResult<void> bind(int fd, SockAddrIn local);
  SockResult<void> connect(int fd, SockAddrIn remote);
  SockResult<std::size_t> send(int fd, core::Bytes data);
  SockResult<std::size_t> sendto(int fd, core::Bytes data, SockAddrIn to);
  SockResult<std::size_t> recv(int fd, core::MutBytes out);
  /// Fills *from with the sender when non-null.
  SockResult<std::size_t> recvfrom(int fd, core::MutBytes out, SockAddrIn* from);
  SockResult<SockAddrIn> getsockname(int fd);
  SockResult<void> close(int fd);
  /// Readiness bits (kPollIn, kPollOut, kPollErr) of one socket.
  SockResult<short> poll(int fd) const;
  std::size_t open_sockets() const;

 private:
  struct Slot {
    bool used = false;
    int type = 0;
    transport::UdpId udp = 0;
  };
  const Slot* slot(int fd) const {
    return fd >= 0 && static_cast<std::size_t>(fd) < slots_.size() && slots_[fd].used ? &slots_[fd] : nullptr;
  }
  /// Counts the call; traces it when a sink is installed (out of line: the fast path is one increment).
  template <class R>
  R traced(std::string_view call, int fd, R r, SockAddrIn addr = {}) {
    ctx_.counters.inc(core::Counter::SocketCall);
    if (ctx_.tracer.on()) [[unlikely]] {
      std::int64_t result = 0;
      if (!r.ok()) {
        result = -static_cast<std::int64_t>(r.error());
      } else {
        using V = typename R::value_type;
        if constexpr (std::is_integral_v<V>) result = static_cast<std::int64_t>(r.value());
      }
      trace_call(call, fd, result, addr);
    }
    return r;
  }
  [[gnu::cold, gnu::noinline]] void trace_call(std::string_view call, int fd, std::int64_t result,
                                               SockAddrIn addr) const;

  core::StackContext& ctx_;
  transport::UdpLayer& udp_;
  const core::Instant& now_;
  std::vector<Slot> slots_;
};

}  // namespace strata::socket
