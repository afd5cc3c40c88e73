// SPDX-License-Identifier: MIT
#include "sim/net/sim_link.hpp"

#include <algorithm>
#include <cassert>
#include <memory>
#include <utility>

#include "sim/engine/time_math.hpp"
#include "stack/wire/ethernet.hpp"

namespace strata::sim::net {
namespace {

/// SplitMix64's finaliser over (seed, stream): independent Rng seeds for the two directions.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// The bytes an MTU limits: after the Ethernet header and its 802.1Q / 802.1ad tags.
std::size_t ip_bytes(core::Bytes frame, nic::LinkType link) {
  if (link != nic::LinkType::Ethernet) return frame.size();
  if (frame.size() < wire::kEthernetHeaderLen) return 0;  // garbage: not the link's business to judge
  std::size_t type_at = 12;
  while (type_at + wire::kVlanTagLen + 2 <= frame.size() &&
         wire::ether_type::is_tag(core::load_be16(frame, type_at)))
    type_at += wire::kVlanTagLen;
  return frame.size() - (type_at + 2);
}

// Smallest frame counted when bounding how many frames the propagation delay can hold (an Ethernet header).
constexpr std::size_t kMinFrameBytes = wire::kEthernetHeaderLen;

std::size_t slot_count(const core::BufferPool& pool, const LinkConfig& config) {
  const std::size_t pool_slots = pool.in_use() + pool.free_slots(0) + pool.free_slots(1);
  std::size_t per_direction = pool_slots;
  if (config.rate_bps > 0) {
    const auto min_ser = SimLink::serialization_time(kMinFrameBytes, config.rate_bps).count();
    const auto propagating =
        static_cast<std::size_t>(config.delay.count() / std::max<std::int64_t>(min_ser, 1));
    per_direction = config.queue + propagating + 1;
  }
  return std::max<std::size_t>(1, std::min(pool_slots, 2 * per_direction));
}

}  // namespace

core::Duration SimLink::serialization_time(std::size_t bytes, std::uint64_t rate_bps) {
  if (rate_bps == 0) return core::Duration{0};
  // Frames are small: bytes * 8e9 fits 64 bits below 2.3 GB, so the common case needs no 128-bit division.
  if (bytes < (std::uint64_t{1} << 31)) {
    const std::uint64_t bits_ns = static_cast<std::uint64_t>(bytes) * 8'000'000'000u;
    return core::Duration{static_cast<std::int64_t>(bits_ns / rate_bps + (bits_ns % rate_bps != 0))};
  }
  const unsigned __int128 bits_ns = static_cast<unsigned __int128>(bytes) * 8u * 1'000'000'000u;
  return core::Duration{static_cast<std::int64_t>((bits_ns + rate_bps - 1) / rate_bps)};
}

SimLink::Direction::Direction(SimLink& link, core::BufferPool& pool, const LinkConfig& config,
                              std::uint64_t seed)
    : link(link),
      faulty(config.faults.any()),
      wire(link, *this),
      faults(wire, pool, config.faults, seed),
      entry(link, *this) {}

core::Duration SimLink::Direction::serialization(std::size_t bytes, std::uint64_t rate_bps) {
  if (bytes == last_bytes) return last_ser;
  const core::Duration ser = serialization_time(bytes, rate_bps);
  if (bytes <= mtu_frame_bytes) {  // see last_bytes
    last_ser = ser;
    last_bytes = bytes;
  }
  return ser;
}

SimLink::SimLink(engine::Scheduler& sched, core::BufferPool& pool, LinkConfig config)
    : sched_(sched),
      config_(config),
      dirs_{{Direction(*this, pool, config_, derive_seed(config_.seed, 0)),
             Direction(*this, pool, config_, derive_seed(config_.seed, 1))}},
      slot_capacity_(slot_count(pool, config_)) {}

SimLink::~SimLink() {
  for (auto& d : dirs_) {
    for (std::size_t i = 0; i < d.in_flight.size(); ++i) sched_.cancel(d.in_flight[i].event);
    sched_.cancel(d.hold_timer);
  }
}

void SimLink::attach(int side, nic::NicInfo info, FrameSink& sink) {
  assert(side == 0 || side == 1);
  Direction& d = dirs_[side];
  d.info = std::move(info);
  d.mtu_frame_bytes = d.info.mtu + (d.info.link == nic::LinkType::Ethernet ? wire::kEthernetHeaderLen : 0);
  d.last_bytes = SIZE_MAX;  // cached under the old MTU
  dirs_[1 - side].sink = &sink;
}

nic::Nic& SimLink::nic(int side) {
  assert(side == 0 || side == 1);
  return dirs_[side].entry;
}

LinkDirStats SimLink::stats(int from_side) const {
  const Direction& d = dirs_[from_side];
  LinkDirStats out = d.stats;
  out.faults = d.faults.counters();
  return out;
}

std::size_t SimLink::in_flight(int from_side) const {
  return dirs_[from_side].in_flight.size();
}
std::size_t SimLink::queued(int from_side, core::Instant now) const {
  const Direction& d = dirs_[from_side];
  std::size_t n = 0;
  for (std::size_t i = d.in_flight.size() - std::min(d.serializing, d.in_flight.size());
       i < d.in_flight.size(); ++i)
    n += d.in_flight[i].serialized > now ? 1 : 0;
  return n;
}
std::size_t SimLink::held(int from_side) const {
  return dirs_[from_side].faults.holding() ? 1 : 0;
}

std::uint64_t SimLink::frames() const {
  return stats(0).frames + stats(1).frames;
}
std::uint64_t SimLink::dropped() const {
  return stats(0).dropped() + stats(1).dropped();
}

template <bool kFast>
inline core::Result<void> SimLink::enter_wire(Direction& d, core::PacketBuf&& frame, core::Instant now) {
  // kFast: what every frame of a steady flow takes, with no call but tail calls. The rare cases that need
  // calls (a size whose serialization time is not cached, which covers a frame that may exceed the MTU, and
  // a full ring) go to the general path (kFast false, out of line) before anything is changed but the trim
  // of `serializing` (which the general path repeats as a no-op); it handles every frame.
  const core::Bytes bytes = std::as_const(frame).bytes();
  if constexpr (kFast) {
    if (bytes.size() != d.last_bytes) return enter_wire_general(d, std::move(frame), now);
  } else if (bytes.size() > d.mtu_frame_bytes && ip_bytes(bytes, d.info.link) > d.info.mtu) {
    ++d.stats.dropped_mtu;
    return core::fail(core::Reason::NicMtuExceeded);
  }
  if (d.busy_until <= now) {
    d.serializing = 0;  // the wire is idle: every frame in flight is serialized
  } else {
    d.serializing = std::min(d.serializing, d.in_flight.size());  // some counted may have been delivered
    while (d.serializing > 0 && d.in_flight[d.in_flight.size() - d.serializing].serialized <= now)
      --d.serializing;  // serialized by now
  }
  if (d.serializing >= config_.queue) {
    ++d.stats.dropped_queue;
    return core::fail(core::Reason::NicQueueFull);
  }
  if (in_flight_ >= slot_capacity_) {
    ++d.stats.dropped_no_buffer;
    return core::fail(core::Reason::NicNoBuffer);
  }
  if (kFast && d.in_flight.full()) return enter_wire_general(d, std::move(frame), now);
  const core::Instant start = std::max(now, d.busy_until);
  // Saturating: at 1 bps a million queued jumbo frames keep the wire busy for longer than int64 ns holds.
  const core::Instant serialized =
      engine::saturating_add(start, kFast ? d.last_ser : d.serialization(bytes.size(), config_.rate_bps));
  d.busy_until = serialized;
  ++d.serializing;
  ++d.stats.frames;
  ++in_flight_;
  // why grow the ring here rather than size it at construction: the bound is the pool's whole size on a link
  // without a rate, and a scenario of 10,000 such links would take gigabytes for frames never sent.
  InFlight& f = kFast ? d.in_flight.push_back_in_room() : d.in_flight.push_back();
  // Not next to ++frames: GCC would add the pair with vector instructions, which take more than two adds.
  d.stats.bytes += bytes.size();
  // The slot holds no packet (never used, or moved from on delivery): constructed over, with none of the
  // move-assignment's self check and release.
  assert(!f.frame.valid());
  std::construct_at(&f.frame, std::move(frame));
  f.serialized = serialized;
  sched_.schedule_at(f.event, engine::saturating_add(serialized, config_.delay), d, kDeliveryTag);
  return {};
}

core::Result<void> SimLink::enter_wire_general(Direction& d, core::PacketBuf&& frame, core::Instant now) {
  return enter_wire<false>(d, std::move(frame), now);
}

const nic::NicInfo& SimLink::Wire::info() const {
  return dir_.info;
}
core::Result<void> SimLink::Wire::transmit(core::PacketBuf&& frame, core::Instant now) {
  return link_.enter_wire<true>(dir_, std::move(frame), now);
}

const nic::NicInfo& SimLink::Entry::info() const {
  return dir_.info;
}
core::Result<void> SimLink::Entry::transmit(core::PacketBuf&& frame, core::Instant now) {
  // A fault-free link (the common case) goes straight onto the wire: no draws, no hold timer to look at.
  if (!dir_.faulty) return link_.enter_wire<true>(dir_, std::move(frame), now);
  return link_.transmit_faulty(dir_, std::move(frame), now);
}

core::Result<void> SimLink::transmit_faulty(Direction& d, core::PacketBuf&& frame, core::Instant now) {
  auto result = d.faults.transmit(std::move(frame), now);
  if (d.faults.config().reorder > 0) arm_hold_timer(d);
  return result;
}

void SimLink::arm_hold_timer(Direction& d) {
  const auto deadline = d.faults.next_deadline();
  if (deadline && sched_.pending(d.hold_timer) && d.hold_at == *deadline) return;
  sched_.cancel(d.hold_timer);
  d.hold_timer = {};
  if (!deadline) return;
  d.hold_at = *deadline;
  d.hold_timer = sched_.schedule_at(*deadline, d, kHoldTag);
}

void SimLink::on_hold_timer(Direction& d, core::Instant now) {
  d.hold_timer = {};
  d.faults.advance(now);
  arm_hold_timer(d);
}

inline void SimLink::deliver(Direction& d, core::Instant now) {
  // Out of the ring before the sink runs: a sink that transmits into this direction again (a switch whose
  // two ports share this link) may grow the ring, which moves its elements.
  core::PacketBuf frame = std::move(d.in_flight.front().frame);
  d.in_flight.pop_front();
  --in_flight_;
  if (d.sink == nullptr) return;  // an end nobody attached: the frame falls on the floor
  ++d.stats.delivered;
  d.sink->receive(std::move(frame), now);
}

void SimLink::Direction::on_event(std::uint64_t tag, core::Instant now) {
  if (tag == kHoldTag) return link.on_hold_timer(*this, now);
  link.deliver(*this, now);
}

}  // namespace strata::sim::net
