// SPDX-License-Identifier: MIT
#include "sim/apps/blocking_socket.hpp"

namespace strata::sim::apps {

SockResult<BlockingSocket> BlockingSocket::open(AppEnv& env, int type, int protocol) {
  auto fd = env.sockets().socket(socket::kAfInet, type, protocol);
  if (!fd) return core::fail(fd.error());
  return BlockingSocket(env, *fd);
}

BlockingSocket& BlockingSocket::operator=(BlockingSocket&& other) noexcept {
  if (this != &other) {
    (void)close();
    env_ = other.env_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

SockResult<void> BlockingSocket::close() {
  if (fd_ < 0) return {};
  return env_->sockets().close(std::exchange(fd_, -1));
}

}  // namespace strata::sim::apps
