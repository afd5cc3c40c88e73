// SPDX-License-Identifier: MIT
// Trace hooks at every layer boundary (DESIGN.md §4). A host holds one Tracer; with no sink installed an
// emission costs one branch. Events carry the bytes as they stand at the boundary (valid during the call
// only) and the marks where each header starts, so a sink can decode every layer.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "stack/core/bytes.hpp"
#include "stack/core/ids.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/core/reason.hpp"
#include "stack/core/time.hpp"

namespace strata::core {

enum class Layer : std::uint8_t { Nic, Link, Arp, Ipv4, Icmp, Udp, Tcp, Socket };
enum class Dir : std::uint8_t { Rx, Tx, None };
enum class TraceKind : std::uint8_t { Deliver, Send, Drop, Queue, Dequeue, Timer, StateChange, SocketCall };

constexpr std::string_view name(Layer l) {
  constexpr std::string_view names[] = {"nic", "link", "arp", "ipv4", "icmp", "udp", "tcp", "socket"};
  return names[static_cast<int>(l)];
}
constexpr std::string_view name(Dir d) {
  constexpr std::string_view names[] = {"rx", "tx", "none"};
  return names[static_cast<int>(d)];
}
constexpr std::string_view name(TraceKind k) {
  constexpr std::string_view names[] = {"deliver", "send",  "drop",         "queue",
                                        "dequeue", "timer", "state_change", "socket_call"};
  return names[static_cast<int>(k)];
}
constexpr std::string_view name(Verdict v) {
  constexpr std::string_view names[] = {"deliver", "drop", "reassembling", "queued"};
  return names[static_cast<int>(v)];
}

/// A socket call and its result, as the facade saw it (for the stepper's call-by-call view).
struct SocketCallInfo {
  std::string_view call;  // "socket", "bind", "sendto", ...
  int fd = -1;
  std::int64_t result = 0;  // >= 0 success value, < 0 minus errno
  std::uint32_t addr = 0;   // peer or local address involved, host order (0 when none)
  std::uint16_t port = 0;
};

struct TraceEvent {
  Instant time{};
  HostId host{};
  Layer layer = Layer::Nic;
  Dir dir = Dir::None;
  TraceKind kind = TraceKind::Deliver;
  Reason reason = Reason::None;
  PacketId packet{};
  NicId nic{};
  Bytes bytes;  // valid during the call only
  LayerMarks marks;
  const SocketCallInfo* call = nullptr;
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const TraceEvent& e) = 0;
};

class Tracer {
 public:
  void set_sink(TraceSink* s) { sink_ = s; }
  bool on() const { return sink_ != nullptr; }
  void set_host(HostId h) { host_ = h; }
  HostId host() const { return host_; }

  void emit(TraceEvent e) const {
    e.host = host_;
    sink_->on_event(e);
  }
  /// Convenience for the common packet boundary; call only when on().
  void packet(Instant t, Layer l, Dir d, TraceKind k, PacketId id, Bytes bytes, LayerMarks marks,
              Reason r = Reason::None, NicId nic = {}) const {
    TraceEvent e;
    e.time = t;
    e.layer = l;
    e.dir = d;
    e.kind = k;
    e.reason = r;
    e.packet = id;
    e.nic = nic;
    e.bytes = bytes;
    e.marks = marks;
    emit(e);
  }

 private:
  TraceSink* sink_ = nullptr;
  HostId host_{};
};

}  // namespace strata::core
