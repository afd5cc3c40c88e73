// SPDX-License-Identifier: MIT
// SimLink: a full-duplex point-to-point cable between two link ends (host interfaces or switch ports), with a
// rate, a propagation delay, a drop-tail queue and an MTU per direction, and seeded faults (loss, corruption,
// duplication, reordering) through a nic::FaultInjector in front of each direction's wire. Frames in flight
// are the PacketBufs handed in, moved (never copied) into a per-direction ring that grows to its high-water
// mark; each delivery is one scheduler event, and the far end's sink is handed the frame itself. Not for:
// switching (LearningSwitch) or building a topology (Simulation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "sim/engine/scheduler.hpp"
#include "sim/net/fifo_ring.hpp"
#include "sim/net/frame_sink.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/nic/fault_injector.hpp"
#include "stack/nic/nic.hpp"

namespace strata::sim::net {

struct LinkConfig {
  std::uint64_t rate_bps = 0;  // 0: no serialization delay
  core::Duration delay{0};     // propagation, one way
  std::size_t queue = 100;     // frames per direction: queued + being serialized; drop-tail beyond
  nic::FaultConfig faults{};   // both directions, each with its own Rng
  std::uint64_t seed = 0;      // direction a->b uses a seed derived from (seed, 0), b->a from (seed, 1)
};

/// One direction's counters.
struct LinkDirStats {
  std::uint64_t frames = 0, bytes = 0;  // entered the wire (after faults, within the queue)
  std::uint64_t delivered = 0;          // handed to the far end's sink
  std::uint64_t dropped_queue = 0, dropped_mtu = 0, dropped_no_buffer = 0;
  nic::FaultCounters faults;  // copy of the injector's counters
  std::uint64_t dropped() const { return dropped_queue + dropped_mtu + dropped_no_buffer + faults.lost; }
};

/// Timing, per direction (each direction has its own wire, queue and injector; they never interact):
///  - A frame that passes the injector at t (the instant handed to transmit) is checked, in this order:
///    MTU: its IP bytes (frame length - 14 - 4 per 802.1Q/802.1ad tag; the whole frame on a non-Ethernet
///      end) above the sending end's NicInfo.mtu: dropped_mtu (Reason::NicMtuExceeded), never enters the
///      link;
///    queue: `queue` frames of this direction already waiting or being serialized at t (a frame whose
///      serialization ends at or before t no longer counts): dropped_queue (Reason::NicQueueFull), drop-tail;
///    slots: no free in-flight slot: dropped_no_buffer (Reason::NicNoBuffer).
///  - Otherwise it starts serializing at start = max(t, B), B the instant the wire is busy until, takes
///    ser = ceil(bytes * 8 * 1e9 / rate_bps) ns (bytes = the frame as handed in: no preamble, no FCS; 0 when
///    rate_bps is 0), the wire is then busy until start + ser, and the frame is handed to the far end's sink
///    at start + ser + delay by one scheduler event (for the direction: its target). Never within transmit
///    (rule 4), even with zero rate and delay; frames of one direction arrive in the order they entered
///    (start + ser never decreases and the delay is fixed, so each direction's events fire in the order of
///    its frames, and an event delivers the oldest frame of its direction).
///  - The injector's verdicts come first (a lost frame never reaches the checks above). When it holds a
///    reordered frame, the link schedules an event at its next_deadline() that calls advance().
/// Slots: at most slot_capacity() frames are in flight at once in both directions, fixed at construction:
/// min(slots of the pool, 2 x (queue + the frames of 14 bytes the propagation delay can hold + 1)) (the pool
/// bound: frames in flight are slots of that pool). Each direction's ring grows to its high-water mark as
/// frames come, then is reused: no allocation per frame in steady state.
/// Lifetimes: the scheduler and the pool outlive the link; destroying the link cancels its pending events.
class SimLink final {
 public:
  SimLink(engine::Scheduler& sched, core::BufferPool& pool, LinkConfig config);
  ~SimLink();
  SimLink(const SimLink&) = delete;
  SimLink& operator=(const SimLink&) = delete;

  /// Who sits at end `side` (0 = a, 1 = b): the NicInfo its frames are sent with (name, mac, mtu) and the
  /// sink that receives frames arriving at that end. Call before nic(side) is used.
  void attach(int side, nic::NicInfo info, FrameSink& sink);
  /// The Nic whoever sits at `side` transmits into: the fault injector in front of the wire (through a thin
  /// entry that, after each transmit, arms the timer of a frame the injector holds for reordering).
  nic::Nic& nic(int side);
  LinkDirStats stats(int from_side) const;
  /// Frames sent from `from_side` not yet delivered: serializing, waiting to serialize, or propagating.
  std::size_t in_flight(int from_side) const;
  /// Of those, the ones still serializing or waiting (what the drop-tail `queue` limit counts), at `now`.
  std::size_t queued(int from_side, core::Instant now) const;
  /// A frame the fault injector holds back for reordering (0 or 1).
  std::size_t held(int from_side) const;
  std::uint64_t frames() const;   // both directions
  std::uint64_t dropped() const;  // both directions

  const LinkConfig& config() const { return config_; }
  /// The most frames in flight at once (both directions).
  std::size_t slot_capacity() const { return slot_capacity_; }
  /// ceil(bytes * 8 * 1e9 / rate_bps) ns; zero when rate_bps is 0.
  static core::Duration serialization_time(std::size_t bytes, std::uint64_t rate_bps);

 private:
  struct Direction;
  /// The wire of one direction: what the injector transmits into.
  class Wire final : public nic::Nic {
   public:
    Wire(SimLink& link, Direction& dir) : link_(link), dir_(dir) {}
    const nic::NicInfo& info() const override;
    core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override;

   private:
    SimLink& link_;
    Direction& dir_;
  };
  /// What nic(side) returns: the injector, then a look at whether it now holds a frame (to arm its timer).
  class Entry final : public nic::Nic {
   public:
    Entry(SimLink& link, Direction& dir) : link_(link), dir_(dir) {}
    const nic::NicInfo& info() const override;
    core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override;

   private:
    SimLink& link_;
    Direction& dir_;
  };
  /// A frame on the wire or propagating; ring order is delivery order.
  struct InFlight {
    core::PacketBuf frame;
    core::Instant serialized{};  // when its serialization ends
    engine::TimerId event{};
  };
  // The target of its own events (deliveries, the hold timer): a delivery finds its ring with no indexing.
  struct Direction final : engine::EventTarget {
    Direction(SimLink& link, core::BufferPool& pool, const LinkConfig& config, std::uint64_t seed);
    core::Duration serialization(std::size_t bytes, std::uint64_t rate_bps);
    void on_event(std::uint64_t tag, core::Instant now) override;
    SimLink& link;
    bool faulty = false;  // any fault configured: frames go through the injector
    nic::NicInfo info;    // the sending end's
    // Frames up to this many bytes cannot exceed the MTU, whatever their tags: the MTU check's fast path.
    std::size_t mtu_frame_bytes = 0;
    // why: frames of one flow have one size, and the division costs more than the rest of enter_wire. Only
    // sizes up to mtu_frame_bytes are cached, so a frame of the cached size needs no MTU check either.
    std::size_t last_bytes = SIZE_MAX;
    core::Duration last_ser{};
    FrameSink* sink = nullptr;  // the far end's, set when the far end attaches
    Wire wire;
    nic::FaultInjector faults;
    Entry entry;
    core::Instant busy_until{};
    FifoRing<InFlight> in_flight;
    // The newest `serializing` frames of in_flight may still be serializing: the queue the drop-tail limit
    // counts. Trimmed lazily, when a frame comes (older frames' serialization ends no later than newer
    // ones'); deliveries leave it alone, so it may count delivered frames until then (at most size()
    // counts).
    std::size_t serializing = 0;
    engine::TimerId hold_timer{};
    core::Instant hold_at{};
    LinkDirStats stats;
  };
  static constexpr std::uint64_t kDeliveryTag = 0, kHoldTag = 1;

  // Inlined into both entries (the fault-free Entry and the injector's Wire): a frame crosses one per hop.
  // The fast one (kFast) hands rare frames to the general one, out of line (see the .cpp).
  template <bool kFast>
  [[gnu::always_inline]] inline core::Result<void> enter_wire(Direction& d, core::PacketBuf&& frame,
                                                              core::Instant now);
  [[gnu::noinline]] core::Result<void> enter_wire_general(Direction& d, core::PacketBuf&& frame,
                                                          core::Instant now);
  // Out of line: its calls would make the fault-free entry save registers.
  [[gnu::noinline]] core::Result<void> transmit_faulty(Direction& d, core::PacketBuf&& frame,
                                                       core::Instant now);
  void arm_hold_timer(Direction& d);
  // Out of line: only reordering links have hold timers, and inlined its calls would make every delivery
  // save the registers they need.
  [[gnu::noinline]] void on_hold_timer(Direction& d, core::Instant now);
  inline void deliver(Direction& d, core::Instant now);

  engine::Scheduler& sched_;
  LinkConfig config_;
  std::array<Direction, 2> dirs_;
  std::size_t slot_capacity_;
  std::size_t in_flight_ = 0;  // both directions
};

}  // namespace strata::sim::net
