// SPDX-License-Identifier: MIT
#include "sim/net/sim_link.hpp"

#include <algorithm>
#include <cassert>
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

SimLink::Direction::Direction(SimLink& link, int dir, core::BufferPool& pool, const LinkConfig& config,
                              std::uint64_t seed)
    : wire(link, dir), faults(wire, pool, config.faults, seed), entry(link, dir), in_queue(config.queue) {}

SimLink::SimLink(engine::Scheduler& sched, core::BufferPool& pool, LinkConfig config)
    : sched_(sched),
      config_(config),
      dirs_{{Direction(*this, 0, pool, config_, derive_seed(config_.seed, 0)),
             Direction(*this, 1, pool, config_, derive_seed(config_.seed, 1))}},
      slot_capacity_(slot_count(pool, config_)) {}

SimLink::~SimLink() {
  for (auto& s : slots_) sched_.cancel(s.event);
  for (auto& d : dirs_) sched_.cancel(d.hold_timer);
}

void SimLink::attach(int side, nic::NicInfo info, FrameSink& sink) {
  assert(side == 0 || side == 1);
  dirs_[side].info = std::move(info);
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

std::uint64_t SimLink::frames() const {
  return stats(0).frames + stats(1).frames;
}
std::uint64_t SimLink::dropped() const {
  return stats(0).dropped() + stats(1).dropped();
}

const nic::NicInfo& SimLink::Wire::info() const {
  return link_.dirs_[dir_].info;
}
core::Result<void> SimLink::Wire::transmit(core::PacketBuf&& frame, core::Instant now) {
  return link_.enter_wire(dir_, std::move(frame), now);
}

const nic::NicInfo& SimLink::Entry::info() const {
  return link_.dirs_[dir_].info;
}
core::Result<void> SimLink::Entry::transmit(core::PacketBuf&& frame, core::Instant now) {
  auto& faults = link_.dirs_[dir_].faults;
  // A fault-free link (the common case) goes straight onto the wire: no draws, no hold timer to look at.
  if (!faults.config().any()) return link_.enter_wire(dir_, std::move(frame), now);
  auto result = faults.transmit(std::move(frame), now);
  if (faults.config().reorder > 0) link_.arm_hold_timer(dir_);
  return result;
}

core::Result<void> SimLink::enter_wire(int dir, core::PacketBuf&& frame, core::Instant now) {
  Direction& d = dirs_[dir];
  const core::Bytes bytes = std::as_const(frame).bytes();
  if (ip_bytes(bytes, d.info.link) > d.info.mtu) {
    ++d.stats.dropped_mtu;
    return core::fail(core::Reason::NicMtuExceeded);
  }
  while (!d.in_queue.empty() && d.in_queue.front() <= now) d.in_queue.pop();  // serialized by now
  if (d.in_queue.size() >= config_.queue) {
    ++d.stats.dropped_queue;
    return core::fail(core::Reason::NicQueueFull);
  }
  if (free_slots_.empty() && slots_.size() >= slot_capacity_) {
    ++d.stats.dropped_no_buffer;
    return core::fail(core::Reason::NicNoBuffer);
  }
  const core::Instant start = std::max(now, d.busy_until);
  // Saturating: at 1 bps a million queued jumbo frames keep the wire busy for longer than int64 ns holds.
  const core::Instant serialized =
      engine::saturating_add(start, serialization_time(bytes.size(), config_.rate_bps));
  d.busy_until = serialized;
  d.in_queue.push(core::Instant{serialized});
  ++d.stats.frames;
  d.stats.bytes += bytes.size();

  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    // why grow here rather than size the array at construction: the capacity is the pool's whole size on a
    // link without a rate, and a scenario of 10,000 such links would take gigabytes for frames never sent.
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    free_slots_.reserve(slots_.size());  // so the push_back when it is freed never allocates
  }
  InFlight& f = slots_[slot];
  f.frame = std::move(frame);
  f.dir = static_cast<std::uint8_t>(dir);
  f.event = sched_.schedule_at(engine::saturating_add(serialized, config_.delay), *this, slot);
  return {};
}

void SimLink::arm_hold_timer(int dir) {
  Direction& d = dirs_[dir];
  const auto deadline = d.faults.next_deadline();
  if (deadline && sched_.pending(d.hold_timer) && d.hold_at == *deadline) return;
  sched_.cancel(d.hold_timer);
  d.hold_timer = {};
  if (!deadline) return;
  d.hold_at = *deadline;
  d.hold_timer = sched_.schedule_at(*deadline, *this, kHoldTag | static_cast<std::uint64_t>(dir));
}

void SimLink::on_event(std::uint64_t tag, core::Instant now) {
  if ((tag & kHoldTag) != 0) {
    const int dir = static_cast<int>(tag & 1);
    dirs_[dir].hold_timer = {};
    dirs_[dir].faults.advance(now);
    arm_hold_timer(dir);
    return;
  }
  const auto slot = static_cast<std::uint32_t>(tag);
  InFlight& f = slots_[slot];
  // Out of the slot before the sink runs: a sink that transmits back into this link may reuse the slot.
  core::PacketBuf frame = std::move(f.frame);
  Direction& d = dirs_[f.dir];
  f.event = {};
  free_slots_.push_back(slot);
  if (d.sink == nullptr) return;  // an end nobody attached: the frame falls on the floor
  ++d.stats.delivered;
  d.sink->receive(std::as_const(frame).bytes(), now);
}

}  // namespace strata::sim::net
