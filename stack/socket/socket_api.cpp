// SPDX-License-Identifier: MIT
#include "stack/socket/socket_api.hpp"

namespace strata::socket {

void SocketApi::trace_call(std::string_view call, int fd, std::int64_t result, SockAddrIn addr) const {
  core::SocketCallInfo info;
  info.call = call;
  info.fd = fd;
  info.result = result;
  info.addr = addr.addr.value;
  info.port = addr.port;
  core::TraceEvent e;
  e.time = now_;
  e.layer = core::Layer::Socket;
  e.kind = core::TraceKind::SocketCall;
  e.call = &info;
  ctx_.tracer.emit(e);
}

SockResult<int> SocketApi::socket(int domain, int type, int protocol) {
  using R = SockResult<int>;
  if (domain != kAfInet) return traced("socket", -1, R(core::fail(Errno::EAFNOSUPPORT_)));
  if (type != kSockDgram) {
    // SOCK_STREAM arrives with TCP.
    return traced("socket", -1,
                  R(core::fail(type == kSockStream ? Errno::EPROTONOSUPPORT_ : Errno::EINVAL_)));
  }
  if (protocol != 0 && protocol != kIpprotoUdp && protocol != kIpprotoIcmp)
    return traced("socket", -1, R(core::fail(Errno::EPROTONOSUPPORT_)));
  const Kind kind = protocol == kIpprotoIcmp ? Kind::Ping : Kind::Udp;
  auto id = kind == Kind::Ping ? ping_.open() : udp_.open();
  if (!id) return traced("socket", -1, R(core::fail(id.error())));
  std::size_t fd = 0;
  while (fd < slots_.size() && slots_[fd].used) ++fd;
  if (fd == slots_.size()) slots_.emplace_back();
  slots_[fd] = Slot{kind == Kind::Udp ? udp_.handle(*id) : transport::UdpLayer::Handle{}, *id,
                    static_cast<std::int16_t>(type), true, kind};
  return traced("socket", static_cast<int>(fd), R(static_cast<int>(fd)));
}

SockResult<void> SocketApi::bind(int fd, SockAddrIn local) {
  const Slot* s = slot(fd);
  if (!s) return traced("bind", fd, SockResult<void>(core::fail(Errno::EBADF_)), local);
  return traced("bind", fd,
                s->kind == Kind::Ping ? ping_.bind(s->endpoint, local) : udp_.bind(s->endpoint, local),
                local);
}

SockResult<void> SocketApi::connect(int fd, SockAddrIn remote) {
  const Slot* s = slot(fd);
  if (!s) return traced("connect", fd, SockResult<void>(core::fail(Errno::EBADF_)), remote);
  return traced(
      "connect", fd,
      s->kind == Kind::Ping ? ping_.connect(s->endpoint, remote) : udp_.connect(s->endpoint, remote), remote);
}

SockResult<std::size_t> SocketApi::send(int fd, core::Bytes data) {
  const Slot* s = slot(fd);
  if (!s) return traced("send", fd, SockResult<std::size_t>(core::fail(Errno::EBADF_)));
  return traced("send", fd,
                s->kind == Kind::Ping ? ping_.send_to(s->endpoint, data, std::nullopt, now_)
                                      : udp_.send(s->endpoint, data, now_));
}

SockResult<std::size_t> SocketApi::sendto(int fd, core::Bytes data, SockAddrIn to) {
  const Slot* s = slot(fd);
  // Untraced UDP, the common case: counted, then a tail call (UDP's result goes back to the caller as is).
  if (s && s->kind == Kind::Udp && !ctx_.tracer.on()) [[likely]] {
    ctx_.counters.inc(core::Counter::SocketCall);
    return udp_.send_to(s->endpoint, data, to, now_);
  }
  return sendto_traced(fd, data, to);
}

SockResult<std::size_t> SocketApi::sendto_traced(int fd, core::Bytes data, SockAddrIn to) {
  const Slot* s = slot(fd);
  if (!s) return traced("sendto", fd, SockResult<std::size_t>(core::fail(Errno::EBADF_)), to);
  // Linux: sendto with an address on a connected UDP socket sends to that address.
  return traced("sendto", fd,
                s->kind == Kind::Ping ? ping_.send_to(s->endpoint, data, to, now_)
                                      : udp_.send_to(s->endpoint, data, to, now_),
                to);
}

SockResult<std::size_t> SocketApi::recv(int fd, core::MutBytes out) {
  return recvfrom(fd, out, nullptr);
}

SockResult<std::size_t> SocketApi::recvfrom(int fd, core::MutBytes out, SockAddrIn* from) {
  // The usual call (a UDP socket, no tracer) is counted first, as traced() counts it: the copy out of the
  // queue is then the last memory work, with nothing of ours read back after it.
  const Slot* s = slot(fd);
  if (s != nullptr && s->kind == Kind::Udp && !ctx_.tracer.on()) [[likely]] {
    ctx_.counters.inc(core::Counter::SocketCall);
    auto d = udp_.recv_from(s->udp, out);
    if (!d) return core::fail(d.error());
    if (from) *from = d->from;
    return d->copied;
  }
  return recvfrom_general(fd, out, from);
}

SockResult<std::size_t> SocketApi::recvfrom_general(int fd, core::MutBytes out, SockAddrIn* from) {
  using R = SockResult<std::size_t>;
  const Slot* s = slot(fd);
  if (!s) return traced("recvfrom", fd, R(core::fail(Errno::EBADF_)));
  auto d = s->kind == Kind::Ping ? ping_.recv_from(s->endpoint, out) : udp_.recv_from(s->udp, out);
  if (!d) return traced("recvfrom", fd, R(core::fail(d.error())));
  if (from) *from = d->from;
  // As recvfrom(2) without MSG_TRUNC: the bytes copied; the rest of a longer datagram is discarded.
  return traced("recvfrom", fd, R(d->copied), d->from);
}

SockResult<SockAddrIn> SocketApi::getsockname(int fd) {
  const Slot* s = slot(fd);
  if (!s) return traced("getsockname", fd, SockResult<SockAddrIn>(core::fail(Errno::EBADF_)));
  auto l = s->kind == Kind::Ping ? ping_.local(s->endpoint) : udp_.local(s->endpoint);
  SockAddrIn a = l.value_or(SockAddrIn{});
  return traced("getsockname", fd, SockResult<SockAddrIn>(a), a);
}

SockResult<void> SocketApi::close(int fd) {
  const Slot* s = slot(fd);
  if (!s) return traced("close", fd, SockResult<void>(core::fail(Errno::EBADF_)));
  if (s->kind == Kind::Ping)
    ping_.close(s->endpoint);
  else
    udp_.close(s->endpoint);
  slots_[fd] = Slot{};
  return traced("close", fd, SockResult<void>());
}

std::size_t SocketApi::open_sockets() const {
  std::size_t n = 0;
  for (const auto& s : slots_) n += s.used;
  return n;
}

}  // namespace strata::socket
