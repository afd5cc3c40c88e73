// SPDX-License-Identifier: MIT
// Breakpoints: `break [host=H] [layer=L] [proto=P] [port=N] [flags=SYN,ACK] [time=T] [dir=D] [kind=K]` parsed
// into a predicate over a recorded boundary. Every condition given must hold. proto and port are read from
// the boundary's bytes (arp, ipv4, icmp, udp, tcp: the protocols the bytes carry), port also from a socket
// call's address; flags are TCP flags that must all be set; time=T holds at the first boundary at or after
// virtual time T, so a breakpoint with a time fires once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/step/recorder.hpp"
#include "stack/core/result.hpp"

namespace strata::sim::step {

enum class Proto : std::uint8_t { Arp, Ipv4, Icmp, Udp, Tcp };
std::string_view name(Proto p);

/// What a boundary's bytes carry, decoded once for the predicates.
struct PacketFacts {
  bool arp = false, ipv4 = false, icmp = false, udp = false, tcp = false;
  std::optional<std::uint16_t> src_port, dst_port;
  std::optional<std::uint16_t> tcp_flags;
  static PacketFacts of(const RecordedEvent& e, core::Bytes bytes);
  bool has(Proto p) const;
};

struct BreakCondition {
  std::optional<std::string> host;
  std::optional<core::Layer> layer;
  std::optional<Proto> proto;
  std::optional<std::uint16_t> port;
  std::optional<std::uint16_t> flags;  // wire::tcp_flag bits
  std::optional<core::Instant> time;
  std::optional<core::Dir> dir;
  std::optional<core::TraceKind> kind;

  /// Parses the words after `break`. The error says which word and what was expected.
  static core::Result<BreakCondition, std::string> parse(std::string_view args);
  bool matches(const RecordedEvent& e, const PacketFacts& facts, std::string_view host_name) const;
  /// "host=client proto=udp port=7", in a fixed order; "(any boundary)" when empty.
  std::string text() const;
};

struct Breakpoint {
  int number = 0;
  BreakCondition condition;
  std::uint64_t hits = 0;
  bool spent = false;  // a time breakpoint that fired
};

class Breakpoints {
 public:
  /// Parses and adds a breakpoint; its number, or the parse error.
  core::Result<int, std::string> add(std::string_view args);
  /// False when no breakpoint has that number.
  bool remove(int number);
  /// The first live breakpoint matching the boundary (its hit counted; a time breakpoint is spent), or null.
  const Breakpoint* match(const RecordedEvent& e, core::Bytes bytes, std::string_view host_name);
  const std::vector<Breakpoint>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<Breakpoint> list_;
  int next_number_ = 1;
};

}  // namespace strata::sim::step
