// SPDX-License-Identifier: MIT
// LearningSwitch: an IEEE 802.1D-style transparent bridge without spanning tree. It learns which port each
// source MAC sits behind, forwards a frame to a known unicast MAC out of that port alone and floods the rest.
// Ports are link ends: a port transmits through a SimLink's nic() and is the FrameSink that link delivers
// into. Not for: VLAN-aware forwarding (tags are carried, not looked at), loops (no STP), switch latency.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/net/frame_sink.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/nic/nic.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::sim::net {

/// Rules:
///  - Learning: every frame of 14 bytes or more teaches (source MAC, the port it came in on, now), unless
///    the source is a multicast/broadcast address. A known MAC is refreshed (port and time).
///  - Aging: an entry learned at t is gone at t + aging (lookup no longer returns it; it floods again).
///  - Capacity: at most table_capacity entries; learning a new MAC into a full table evicts the entry
///    learned or refreshed longest ago.
///  - Forwarding: to a known (not aged) unicast MAC, out of that port only, unless that is the port the frame
///    came in on (filtered: not sent); to anything else (unknown, multicast, broadcast), flooded out of every
///    other port, in port order, at the instant of arrival. The frame itself goes out of the one port (or the
///    last port flooded); every other port flooded gets its own pool copy.
///  - Frames shorter than an Ethernet header are counted (dropped_malformed) and dropped.
/// The table is a fixed array with an open-addressing index, both sized at construction: no allocation per
/// frame. Known unicast traffic costs no pool slot and no copy: the arriving frame is sent on as it is.
class LearningSwitch {
 public:
  LearningSwitch(std::string name, core::BufferPool& pool, core::Duration aging = std::chrono::seconds(300),
                 std::size_t table_capacity = 4096);
  LearningSwitch(const LearningSwitch&) = delete;
  LearningSwitch& operator=(const LearningSwitch&) = delete;

  /// A new port that transmits through `out` (a link end's nic()); returns the sink that link delivers into.
  FrameSink& add_port(nic::Nic& out);
  /// The learned port of `mac`, if learned and not aged at `now`.
  std::optional<std::size_t> lookup(wire::MacAddress mac, core::Instant now) const;

  struct Stats {
    std::uint64_t received = 0;           // frames arriving on any port
    std::uint64_t forwarded = 0;          // sent out of the one learned port
    std::uint64_t flooded = 0;            // sent out of every other port (counted once per frame)
    std::uint64_t filtered = 0;           // destination behind the port it came in on: not sent
    std::uint64_t dropped_no_buffer = 0;  // an output copy that found no pool slot
    std::uint64_t dropped_malformed = 0;  // shorter than an Ethernet header
  };
  const Stats& stats() const { return stats_; }
  const std::string& name() const { return name_; }
  std::size_t ports() const { return ports_.size(); }
  /// Entries in the table (aged ones included until they are evicted or refreshed).
  std::size_t table_size() const { return used_; }

 private:
  class Port final : public FrameSink {
   public:
    Port(LearningSwitch& sw, std::uint32_t index, nic::Nic& out) : switch_(sw), index_(index), out_(out) {}
    // In the .cpp, where the switch's receive is inlined into it: one call per frame, not two.
    void receive(core::PacketBuf&& frame, core::Instant now) override;
    nic::Nic& out() { return out_; }

   private:
    LearningSwitch& switch_;
    std::uint32_t index_;
    nic::Nic& out_;
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;
  /// One learned MAC (as a 48-bit key); entries form a list from least to most recently learned or refreshed.
  struct Entry {
    std::uint64_t key = 0;
    core::Instant learned{};
    std::uint32_t port = 0;
    std::uint32_t older = kNone, newer = kNone;
  };

  inline void receive(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now);
  [[gnu::noinline]] void receive_general(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now);
  // After learning: out of the port `dst` was learned on, or flooded.
  inline void forward(std::uint32_t in_port, std::uint64_t dst, core::PacketBuf&& frame, core::Instant now);
  [[gnu::noinline]] void flood(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now);
  void learn(std::uint64_t key, std::uint32_t port, core::Instant now);
  void send_copy(std::size_t out_port, core::Bytes frame, core::Instant now);

  // The table: entries_ (fixed), index_ (open addressing, linear probing, backward-shift deletion).
  std::uint32_t find(std::uint64_t key) const;  // entry index or kNone
  std::size_t home(std::uint64_t key) const;
  void index_insert(std::uint32_t entry);
  void index_erase(std::uint64_t key);
  void unlink(std::uint32_t entry);
  void link_newest(std::uint32_t entry);

  std::string name_;
  core::BufferPool& pool_;
  core::Duration aging_;
  std::vector<std::unique_ptr<Port>> ports_;  // pointers: the sinks handed out stay where they are
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> index_;  // a power of two in size
  int index_shift_ = 0;               // 64 - log2(index_.size()): the hash is the product's top bits
  std::vector<std::uint32_t> free_entries_;
  std::uint32_t oldest_ = kNone, newest_ = kNone;
  // The entry forward() found last (or kNone). Checked by its key before use: an evicted entry is reused at
  // once for another key, so an entry whose key still matches is the live one.
  std::uint32_t last_dst_ = kNone;
  std::size_t used_ = 0;
  Stats stats_;
};

}  // namespace strata::sim::net
