// SPDX-License-Identifier: MIT
// What an app sees of the world: its host's socket facade, the time, and a way to wait. The simulator (and
// later the live runtime) implements AppEnv; apps never see a Host, a link or the scheduler. Waiting never
// resumes an app inside the stack: the runner checks readiness after each event that touched the host.
#pragma once

#include <coroutine>
#include <cstdint>
#include <optional>
#include <string>

#include "stack/core/time.hpp"
#include "stack/socket/socket_api.hpp"

namespace strata::sim::apps {

class AppEnv {
 public:
  virtual socket::SocketApi& sockets() = 0;
  virtual core::Instant now() const = 0;
  /// Resume `h` once poll(fd) shows any of `events` (or kPollErr), or once `deadline` has come, whichever is
  /// first. No fd (-1): a plain sleep until `deadline`. One wait per coroutine at a time.
  virtual void wait(std::coroutine_handle<> h, int fd, short events,
                    std::optional<core::Instant> deadline) = 0;
  /// The scenario seed mixed with the app's index: for deterministic payloads.
  virtual std::uint64_t seed() const = 0;

 protected:
  ~AppEnv() = default;
};

/// What an app reports in `strata run`'s summary (DESIGN.md §5, §6).
struct AppResult {
  bool ok = false;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::optional<bool> verified;  // null for kinds that verify nothing
  std::optional<std::string> error;
  // Kind-specific figures for the human summary (ping: sent/received/rtt); empty when none.
  std::string detail;
};

}  // namespace strata::sim::apps
