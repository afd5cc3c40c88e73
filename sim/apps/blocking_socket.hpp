// SPDX-License-Identifier: MIT
// The blocking textbook style over the non-blocking socket facade: `co_await sock.recvfrom(buf, &from)` tries
// the call and, while it says EAGAIN, waits for the socket's readiness through AppEnv::wait and tries again.
// socket/bind/connect/getsockname/close never block and are plain calls. Sleeps wait on the AppEnv alone.
//
// Costs: a call that can complete at once (data already queued, room to send) neither suspends nor allocates;
// one that must wait allocates one small coroutine frame for its retry loop.
// Not for: anything the facade does not offer (no select over several sockets: an app waits on one at a
// time).
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>

#include "sim/apps/app_env.hpp"
#include "sim/apps/task.hpp"
#include "stack/core/bytes.hpp"
#include "stack/core/time.hpp"
#include "stack/socket/socket_api.hpp"

namespace strata::sim::apps {

using socket::SockAddrIn;
using socket::SockResult;

/// Suspends once: until poll(fd) shows any of `events` (or an error), or `deadline` has come. With fd -1, a
/// plain sleep until `deadline`. Does not suspend when the deadline has already come. Yields nothing: the
/// caller looks at the socket again.
class ReadinessAwaiter {
 public:
  ReadinessAwaiter(AppEnv& env, int fd, short events, std::optional<core::Instant> deadline)
      : env_(&env), fd_(fd), events_(events), deadline_(deadline) {}
  bool await_ready() const { return deadline_ && env_->now() >= *deadline_; }
  void await_suspend(std::coroutine_handle<> self) const { env_->wait(self, fd_, events_, deadline_); }
  void await_resume() const noexcept {}

 private:
  AppEnv* env_;
  int fd_;
  short events_;
  std::optional<core::Instant> deadline_;
};

/// `co_await sleep_until(env, t)`: resumes at t (at once when t has passed).
inline ReadinessAwaiter sleep_until(AppEnv& env, core::Instant t) {
  return ReadinessAwaiter(env, -1, 0, t);
}
/// `co_await sleep_for(env, d)`: resumes d after now.
inline ReadinessAwaiter sleep_for(AppEnv& env, core::Duration d) {
  return sleep_until(env, env.now() + d);
}

namespace detail {

/// One receive attempt: recvfrom on the facade.
struct RecvFromCall {
  int fd;
  core::MutBytes buf;
  SockAddrIn* from;
  static constexpr short kEvents = socket::kPollIn;
  SockResult<std::size_t> operator()(socket::SocketApi& api) const { return api.recvfrom(fd, buf, from); }
};

/// One send attempt: sendto with an address, or send on a connected socket.
struct SendToCall {
  int fd;
  core::Bytes data;
  std::optional<SockAddrIn> to;
  static constexpr short kEvents = socket::kPollOut;
  SockResult<std::size_t> operator()(socket::SocketApi& api) const {
    return to ? api.sendto(fd, data, *to) : api.send(fd, data);
  }
};

}  // namespace detail

/// The awaitable behind BlockingSocket's recvfrom/sendto: the call, retried on EAGAIN after each readiness
/// wait, until it gives a result other than EAGAIN, or ETIMEDOUT once `deadline` has come.
template <class Call>
class BlockingCall {
 public:
  BlockingCall(AppEnv& env, Call call, std::optional<core::Instant> deadline)
      : env_(&env), call_(call), deadline_(deadline) {}

  bool await_ready() {
    result_ = call_(env_->sockets());
    if (!would_block()) return true;
    if (deadline_ && env_->now() >= *deadline_) {
      result_ = core::fail(core::Errno::ETIMEDOUT_);
      return true;
    }
    return false;
  }
  bool await_suspend(std::coroutine_handle<> awaiting) {
    retry_ = retry_until_done();
    return retry_.await_suspend(awaiting);  // run the loop now; it resumes `awaiting` when it ends
  }
  SockResult<std::size_t> await_resume() const { return result_; }

 private:
  bool would_block() const { return !result_ && result_.error() == core::Errno::EAGAIN_; }
  // why a coroutine: an awaiter suspends at most once, and a wake-up need not leave the call able to complete
  // (another reader, a spurious wake), so the wait-and-retry loop needs a frame of its own.
  Task<void> retry_until_done() {
    for (;;) {
      co_await ReadinessAwaiter(*env_, call_.fd, Call::kEvents, deadline_);
      result_ = call_(env_->sockets());
      if (!would_block()) co_return;
      if (deadline_ && env_->now() >= *deadline_) {
        result_ = core::fail(core::Errno::ETIMEDOUT_);
        co_return;
      }
    }
  }

  AppEnv* env_;
  Call call_;
  std::optional<core::Instant> deadline_;
  SockResult<std::size_t> result_ = core::fail(core::Errno::EAGAIN_);
  Task<void> retry_;
};

/// A socket of the facade owned by an app: closed when it goes out of scope (or when the app's frame is
/// destroyed unfinished). Move-only. Invariant: fd() >= 0 until moved from or closed.
class BlockingSocket {
 public:
  /// socket(2) on the env's host; never blocks.
  static SockResult<BlockingSocket> open(AppEnv& env, int type, int protocol = 0);
  /// Adopts an fd already open on env's host.
  BlockingSocket(AppEnv& env, int fd) noexcept : env_(&env), fd_(fd) {}
  BlockingSocket(BlockingSocket&& other) noexcept : env_(other.env_), fd_(std::exchange(other.fd_, -1)) {}
  BlockingSocket& operator=(BlockingSocket&& other) noexcept;
  BlockingSocket(const BlockingSocket&) = delete;
  BlockingSocket& operator=(const BlockingSocket&) = delete;
  ~BlockingSocket() { (void)close(); }

  int fd() const noexcept { return fd_; }

  SockResult<void> bind(SockAddrIn local) { return env_->sockets().bind(fd_, local); }
  SockResult<void> connect(SockAddrIn remote) { return env_->sockets().connect(fd_, remote); }
  SockResult<SockAddrIn> getsockname() { return env_->sockets().getsockname(fd_); }
  /// Closes now; later calls give EBADF. Closing twice is harmless.
  SockResult<void> close();

  /// `co_await sock.recvfrom(buf, &from)`: the next datagram's bytes copied into buf (the rest of a longer
  /// one is discarded, as recvfrom(2) does), the sender in *from when from is not null. Waits while none is
  /// queued; with a deadline, ETIMEDOUT once it has come. A pending socket error (ECONNREFUSED after a port
  /// unreachable) is returned as the facade returns it.
  BlockingCall<detail::RecvFromCall> recvfrom(core::MutBytes buf, SockAddrIn* from,
                                              std::optional<core::Instant> deadline = std::nullopt) {
    return {*env_, detail::RecvFromCall{fd_, buf, from}, deadline};
  }
  BlockingCall<detail::RecvFromCall> recv(core::MutBytes buf,
                                          std::optional<core::Instant> deadline = std::nullopt) {
    return recvfrom(buf, nullptr, deadline);
  }
  /// `co_await sock.sendto(data, to)`: waits for room while the facade says EAGAIN.
  BlockingCall<detail::SendToCall> sendto(core::Bytes data, SockAddrIn to,
                                          std::optional<core::Instant> deadline = std::nullopt) {
    return {*env_, detail::SendToCall{fd_, data, to}, deadline};
  }
  /// `co_await sock.send(data)` on a connected socket.
  BlockingCall<detail::SendToCall> send(core::Bytes data,
                                        std::optional<core::Instant> deadline = std::nullopt) {
    return {*env_, detail::SendToCall{fd_, data, std::nullopt}, deadline};
  }

 private:
  AppEnv* env_;
  int fd_;
};

}  // namespace strata::sim::apps
