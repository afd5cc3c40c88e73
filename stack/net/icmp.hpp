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

/// Ping sockets (Linux's SOCK_DGRAM/IPPROTO_ICMP, stack/transport/ping.hpp): per-socket receive queues,
/// allocated when a socket opens, and how many may be open.
struct PingSocketConfig {
  std::size_t queue_messages = 64;
  std::size_t queue_bytes = 128 * 1024;  // holds at least one largest ICMP message (65 515 bytes)
  std::size_t max_sockets = 256;
};

struct IcmpConfig {
  bool answer_echo = true;
  bool send_errors = true;
  std::uint32_t errors_per_second = 100;  // token bucket refill (Linux: icmp_ratelimit 1000 ms per ~1 token)
  std::uint32_t error_burst = 10;
  std::size_t max_echo_replies =
      64;  // echo replies no ping socket took, kept for pop_echo_reply; oldest dropped
  PingSocketConfig ping;
};

struct EchoReply {
  wire::Ipv4Address from;
  std::uint16_t id = 0, seq = 0;
  std::size_t data_len = 0;
  std::uint8_t ttl = 0;
  core::Instant at;
};

/// Who takes echo replies for local pingers above the network layer (the ping sockets of
/// stack/transport/ping.hpp): Icmp offers every valid echo reply here first, and every ICMP error that quotes
/// one of our echo requests. The interface keeps net/ from knowing about sockets.
class EchoReplyHandler {
 public:
  /// `msg` is the whole ICMP message (checksum verified), `ip` its datagram. True when an endpoint claimed it
  /// (queued it, or counted a drop for a full queue); false leaves it to Icmp's own reply queue.
  virtual bool receive_echo_reply(core::RxFrame& frame, const wire::Ipv4View& ip,
                                  const wire::Icmpv4View& msg) = 0;
  /// An ICMP error (unreachable, time exceeded...) about an echo request we sent: error.quoted_l4 starts with
  /// the quoted ICMP header.
  virtual void receive_echo_error(core::RxFrame& frame, const IcmpErrorInfo& error) = 0;

 protected:
  ~EchoReplyHandler() = default;
};

class Icmp final : public L4Handler {
 public:
  Icmp(core::StackContext& ctx, Ipv4Layer& ipv4, IcmpConfig config);

  /// Installs the handler for echo replies (nullptr: none; every reply goes to pop_echo_reply's queue).
  void set_echo_reply_handler(EchoReplyHandler* handler) { echo_handler_ = handler; }

  void receive(core::RxFrame& frame, wire::Ipv4View ip) override;
  /// Errors quoting one of our ICMP messages: those about an echo request go to the echo-reply handler.
  void receive_error(core::RxFrame& frame, const IcmpErrorInfo& error) override;
  /// icmp.type/code and, for an error, the quoted datagram's transport header (Ipv4Layer::report_quote).
  void report(core::RxFrame& frame, const ReportedSegment& segment) override;

  /// An error about `offending` (a datagram we received: its IPv4 header and as much payload as we have).
  /// Returns false when a rule or the rate limit suppressed it.
  bool send_error(std::uint8_t type, std::uint8_t code, const wire::Ipv4View& offending, core::Instant now,
                  std::uint16_t mtu = 0);
  core::Result<void> send_echo_request(wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                                       std::size_t data_len, core::Instant now);
  /// The oldest echo reply that no ping socket took.
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
  EchoReplyHandler* echo_handler_ = nullptr;
};

}  // namespace strata::net
