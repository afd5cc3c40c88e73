// SPDX-License-Identifier: MIT
// ICMPv4 (RFC 792, RFC 1122 §3.2.2): answers echo requests, hands errors about our datagrams to the transport
// that sent them, and generates errors for the IPv4 layer, rate-limited by a token bucket and never about an
// ICMP error, a non-first fragment, or a broadcast/multicast datagram.
#pragma once

#include <optional>

#include "stack/core/bounded_queue.hpp"
#include "stack/core/stack_context.hpp"
#include "stack/net/l4_handler.hpp"
#include "stack/wire/icmpv4.hpp"

namespace strata::net {

class Ipv4Layer;

struct IcmpConfig {
  bool answer_echo = true;
  bool send_errors = true;
  std::uint32_t errors_per_second = 100;  // token bucket refill (Linux: icmp_ratelimit 1000 ms per ~1 token)
  std::uint32_t error_burst = 10;
  std::size_t max_echo_replies = 64;  // kept for a pinger to read; oldest dropped beyond
};

struct EchoReply {
  wire::Ipv4Address from;
  std::uint16_t id = 0, seq = 0;
  std::size_t data_len = 0;
  std::uint8_t ttl = 0;
  core::Instant at;
};

class Icmp final : public L4Handler {
 public:
  Icmp(core::StackContext& ctx, Ipv4Layer& ipv4, IcmpConfig config);

  Disposition receive(core::RxFrame& frame, const wire::Ipv4View& ip) override;
  void receive_error(core::RxFrame&, const IcmpErrorInfo&) override {}
  void report(core::RxFrame& frame, const wire::Ipv4View& ip) override;

  /// An error about `offending` (a datagram we received: its IPv4 header and as much payload as we have).
  /// Returns false when a rule or the rate limit suppressed it.
  bool send_error(std::uint8_t type, std::uint8_t code, const wire::Ipv4View& offending, core::Instant now,
                  std::uint16_t mtu = 0);
  core::Result<void> send_echo_request(wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                                       std::size_t data_len, core::Instant now);
  std::optional<EchoReply> pop_echo_reply();
  const IcmpConfig& config() const { return config_; }

 private:
  bool take_token(core::Instant now);

  core::StackContext& ctx_;
  Ipv4Layer& ipv4_;
  IcmpConfig config_;
  double tokens_;
  core::Instant last_refill_{};
  core::BoundedQueue<EchoReply> replies_;
};

}  // namespace strata::net
