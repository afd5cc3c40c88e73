// SPDX-License-Identifier: MIT
// The BSD-style socket facade: an fd table over transport endpoints, errno-style results, poll-style
// readiness. Everything is non-blocking; the blocking textbook style is the apps' business (sim/apps).
// Today: AF_INET datagram sockets (UDP) and ICMP "ping sockets" (SOCK_DGRAM with IPPROTO_ICMP, as Linux's:
// the app sends echo requests it writes and reads the replies whole); stream sockets come with TCP.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "stack/core/errno.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/transport/endpoint.hpp"
#include "stack/transport/ping.hpp"
#include "stack/transport/udp.hpp"

namespace strata::socket {

inline constexpr int kAfInet = 2;       // AF_INET
inline constexpr int kSockStream = 1;   // SOCK_STREAM
inline constexpr int kSockDgram = 2;    // SOCK_DGRAM
inline constexpr int kIpprotoIcmp = 1;  // IPPROTO_ICMP: with kSockDgram, a ping socket
inline constexpr int kIpprotoUdp = 17;  // IPPROTO_UDP (0 means it too for kSockDgram)
inline constexpr short kPollIn = 0x001, kPollOut = 0x004, kPollErr = 0x008;

using SockAddrIn = transport::Endpoint;
using core::Errno;
template <class T>
using SockResult = core::Result<T, Errno>;

class SocketApi {
 public:
  /// `now` is the host's last instant handed in: socket calls run at it.
  SocketApi(core::StackContext& ctx, transport::UdpLayer& udp, transport::PingLayer& ping,
            const core::Instant& now)
      : ctx_(ctx), udp_(udp), ping_(ping), now_(now) {}

  /// (kAfInet, kSockDgram, 0 or kIpprotoUdp): a UDP socket. (kAfInet, kSockDgram, kIpprotoIcmp): a ping
  /// socket, whose "port" is its ICMP identifier (bind({addr, id}); 0 or no bind: one is picked at the first
  /// send, like an ephemeral port).
  SockResult<int> socket(int domain, int type, int protocol = 0);
  SockResult<void> bind(int fd, SockAddrIn local);
  /// Ping sockets: sets the default destination (the port is ignored).
  SockResult<void> connect(int fd, SockAddrIn remote);
  SockResult<std::size_t> send(int fd, core::Bytes data);
  /// Ping sockets: `data` is an echo request (8-byte ICMP header, type 8 code 0, the app's sequence number,
  /// then the payload); the stack sets the identifier and the checksum; to.port is ignored. EINVAL when
  /// shorter than 8 bytes or not an echo request, EMSGSIZE above 65 515 bytes.
  SockResult<std::size_t> sendto(int fd, core::Bytes data, SockAddrIn to);
  SockResult<std::size_t> recv(int fd, core::MutBytes out);
  /// Fills *from with the sender when non-null. Ping sockets: the echo reply's whole ICMP message (header +
  /// payload), from = {replier, 0}.
  SockResult<std::size_t> recvfrom(int fd, core::MutBytes out, SockAddrIn* from);
  /// Ping sockets: {bound address, identifier}.
  SockResult<SockAddrIn> getsockname(int fd);
  SockResult<void> close(int fd);
  /// Readiness bits (kPollIn, kPollOut, kPollErr) of one socket. Inline (below): a blocked app's socket is
  /// polled after every simulated event that reached its host.
  SockResult<short> poll(int fd) const;
  std::size_t open_sockets() const;

  /// One open socket, read-only, for inspection (the stepper's `print socket`): no call is made or traced.
  struct SocketEntry {
    int fd = -1;
    int type = 0;
    bool ping = false;           // an ICMP ping socket, else UDP
    std::uint32_t endpoint = 0;  // its transport::UdpId, or transport::PingId when ping
  };
  std::vector<SocketEntry> socket_entries() const {
    std::vector<SocketEntry> out;
    for (std::size_t fd = 0; fd < slots_.size(); ++fd)
      if (slots_[fd].used)
        out.push_back(
            {static_cast<int>(fd), slots_[fd].type, slots_[fd].kind == Kind::Ping, slots_[fd].endpoint});
    return out;
  }

 private:
  enum class Kind : std::uint8_t { Udp, Ping };
  // 16 bytes: slot()'s bound check divides the table's byte length by this size, a shift only for a power
  // of two (poll, on every event, and each sendto and recvfrom check it).
  struct Slot {
    transport::UdpLayer::Handle udp;  // the UDP endpoint's handle (kind Udp)
    std::uint32_t endpoint = 0;       // a transport::UdpId or a transport::PingId, by kind
    std::int16_t type = 0;            // kSockDgram (socket() refuses the rest)
    bool used = false;
    Kind kind = Kind::Udp;
  };
  static_assert(sizeof(Slot) == 16);
  const Slot* slot(int fd) const {
    // A negative fd converts to an index far beyond any table: one unsigned compare checks both ends.
    const auto i = static_cast<std::size_t>(static_cast<unsigned>(fd));
    return i < slots_.size() && slots_[i].used ? &slots_[i] : nullptr;
  }
  /// Counts the call; traces it when a sink is installed (out of line: the fast path is one increment).
  /// `addr` by reference: only the trace reads it (a by-value Endpoint is packed on the stack and reloaded
  /// whole, a failed store-to-load forward on every call).
  template <class R>
  R traced(std::string_view call, int fd, R r, const SockAddrIn& addr = {}) {
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
  /// sendto() off its fast path (a bad fd, a ping socket, a tracer installed). Out of line: the fast path
  /// then saves no registers.
  /// recvfrom() for ping sockets, bad descriptors and tracing.
  [[gnu::noinline]] SockResult<std::size_t> recvfrom_general(int fd, core::MutBytes out, SockAddrIn* from);
  [[gnu::noinline]] SockResult<std::size_t> sendto_traced(int fd, core::Bytes data, SockAddrIn to);
  [[gnu::cold, gnu::noinline]] void trace_call(std::string_view call, int fd, std::int64_t result,
                                               SockAddrIn addr) const;

  core::StackContext& ctx_;
  transport::UdpLayer& udp_;
  transport::PingLayer& ping_;
  const core::Instant& now_;
  std::vector<Slot> slots_;
};

inline SockResult<short> SocketApi::poll(int fd) const {
  const Slot* s = slot(fd);
  if (!s) [[unlikely]]
    return core::fail(Errno::EBADF_);
  short ev = kPollOut;  // datagram sends never block here: a full NIC queue drops, as UDP does
  if (s->kind == Kind::Ping) [[unlikely]] {
    if (ping_.readable(s->endpoint)) ev |= kPollIn;
    if (ping_.has_error(s->endpoint)) ev |= kPollErr;
    return ev;
  }
  if (udp_.readable(s->udp)) ev |= kPollIn;
  if (udp_.has_error(s->udp)) ev |= kPollErr;
  return ev;
}

}  // namespace strata::socket
