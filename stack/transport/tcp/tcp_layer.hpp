// SPDX-License-Identifier: MIT
// The TCP layer as far as it goes today: it validates segments (header length, options, checksum over the
// pseudo-header) and reports what they carry. Connections, the state machine and the socket side come with
// the TCP issue; until then a segment for no connection is dropped as tcp.no_socket (replay: delivered).
#pragma once

#include "stack/core/stack_context.hpp"
#include "stack/net/l4_handler.hpp"

namespace strata::transport {

struct TcpConfig {
  bool accept_unbound = false;  // replay: a valid segment for no connection is still a delivered segment
};

class TcpLayer final : public net::L4Handler {
 public:
  TcpLayer(core::StackContext& ctx, TcpConfig config) : ctx_(ctx), config_(config) {}
  void receive(core::RxFrame& frame, wire::Ipv4View ip) override;
  void receive_error(core::RxFrame& frame, const net::IcmpErrorInfo& error) override;
  void report(core::RxFrame& frame, const net::ReportedSegment& segment) override;

 private:
  core::StackContext& ctx_;
  TcpConfig config_;
};

}  // namespace strata::transport
