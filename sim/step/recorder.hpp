// SPDX-License-Identifier: MIT
// The stepper's trace sink: copies of the layer boundaries of the engine event being run (BLUEPRINT §6). A
// TraceEvent's bytes are valid during the call only, so the recorder copies them into one arena that is
// reused from one engine event to the next. Bounded: past the caps an event is kept without (all of) its
// bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stack/core/trace.hpp"
#include "stack/wire/describe.hpp"

namespace strata::sim::step {

/// A socket call, owned (the event's SocketCallInfo points into the facade's stack frame).
struct RecordedCall {
  std::string call;
  int fd = -1;
  std::int64_t result = 0;
  std::uint32_t addr = 0;
  std::uint16_t port = 0;
};

/// One boundary, copied out of a core::TraceEvent. The bytes live in the recorder: Recorder::bytes(event).
struct RecordedEvent {
  core::Instant time{};
  core::HostId host{};
  core::Layer layer = core::Layer::Nic;
  core::Dir dir = core::Dir::None;
  core::TraceKind kind = core::TraceKind::Deliver;
  core::Reason reason = core::Reason::None;
  core::PacketId packet{};
  core::NicId nic{};
  core::LayerMarks marks;
  std::size_t bytes_offset = 0;  // into the recorder's arena
  std::size_t bytes_kept = 0;
  std::size_t bytes_seen = 0;  // the length at the boundary; more than kept when a cap cut the copy
  bool has_call = false;
  RecordedCall call;
};

struct RecorderLimits {
  std::size_t max_events = 100'000;          // boundaries kept per engine event
  std::size_t max_bytes = 64 * 1024 * 1024;  // bytes kept per engine event, over all its boundaries
};

class Recorder final : public core::TraceSink {
 public:
  explicit Recorder(RecorderLimits limits = {}) : limits_(limits) {}

  void on_event(const core::TraceEvent& e) override;

  /// Forgets the boundaries recorded so far, keeping the storage (called before each engine event).
  void clear();
  std::size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  const RecordedEvent& operator[](std::size_t i) const { return events_[i]; }
  core::Bytes bytes(const RecordedEvent& e) const { return {arena_.data() + e.bytes_offset, e.bytes_kept}; }
  /// Boundaries not kept in this engine event because max_events was reached.
  std::uint64_t overflow() const { return overflow_; }

  /// Names for printing, by HostId value (the simulator numbers hosts from 1).
  void set_host_name(core::HostId id, std::string name);
  std::string_view host_name(core::HostId id) const;
  /// The longest host name: the width of the host column.
  std::size_t host_name_width() const { return name_width_; }

 private:
  RecorderLimits limits_;
  std::vector<RecordedEvent> events_;
  std::vector<std::byte> arena_;
  std::uint64_t overflow_ = 0;
  std::vector<std::string> names_;
  std::size_t name_width_ = 4;
};

/// Which header a boundary's bytes start with. Sends hand out the packet as built so far with marks relative
/// to its first byte; receives hand out the bytes from the receiving layer's header on (marks relative to the
/// frame); socket queues hand out the payload.
wire::FirstHeader first_header(const RecordedEvent& e, core::Bytes bytes);

}  // namespace strata::sim::step
