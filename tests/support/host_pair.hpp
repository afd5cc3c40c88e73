// SPDX-License-Identifier: MIT
// HostPair: two Hosts joined by an in-memory wire. Each Host attaches a nic::QueueNic; pump(now) carries
// every frame one NIC transmitted into the other host's handle_frame (at now plus an optional fixed link
// delay) and repeats until both queues are empty. advance_to(t) fires both hosts' timers and pumps. One
// shared BufferPool.
//
//   A: 10.0.0.1/24, 02:00:00:00:00:01      B: 10.0.0.2/24, 02:00:00:00:00:02
//
// Every frame carried is logged (who sent it, when it arrived, its bytes) so a test can compare two runs.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/core/time.hpp"
#include "stack/host.hpp"
#include "stack/host_config.hpp"
#include "stack/nic/queue_nic.hpp"
#include "stack/wire/addresses.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::test {

class HostPair {
 public:
  static constexpr wire::Ipv4Address kAddrA = wire::Ipv4Address::from_octets(10, 0, 0, 1);
  static constexpr wire::Ipv4Address kAddrB = wire::Ipv4Address::from_octets(10, 0, 0, 2);
  static constexpr std::uint8_t kPrefix = 24;
  static constexpr wire::MacAddress kMacA{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
  static constexpr wire::MacAddress kMacB{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
  /// pump() gives up after this many rounds (a ping-pong that never ends is a bug in the test or the stack).
  static constexpr std::size_t kMaxRounds = 10'000;

  struct Options {
    HostConfig config_a{};
    HostConfig config_b{};
    std::optional<std::uint16_t> mtu_a, mtu_b;  // interface MTU (default: the NIC's 1500)
    core::Duration delay{0};                    // one-way link delay
    bool announce = true;                       // gratuitous ARP at attach
    std::size_t nic_capacity = 1024;
    std::size_t small_slots = 1024, large_slots = 16;
    bool log_frames = true;
  };

  /// One frame that crossed the wire.
  struct WireFrame {
    char from = 'a';  // 'a' or 'b'
    core::Instant at{};
    std::vector<std::byte> bytes;
    bool operator==(const WireFrame&) const = default;
  };

  HostPair() : HostPair(Options{}) {}
  explicit HostPair(Options o)
      : options_(std::move(o)),
        pool_(options_.small_slots, options_.large_slots),
        nic_a_(nic::NicInfo{"eth0", kMacA, 1500, nic::LinkType::Ethernet}, options_.nic_capacity),
        nic_b_(nic::NicInfo{"eth0", kMacB, 1500, nic::LinkType::Ethernet}, options_.nic_capacity),
        a_(core::HostId{1}, options_.config_a, pool_, "a"),
        b_(core::HostId{2}, options_.config_b, pool_, "b") {
    nic_id_a_ = a_.attach(
        nic_a_, InterfaceConfig{wire::Ipv4Cidr{kAddrA, kPrefix}, options_.mtu_a, options_.announce});
    nic_id_b_ = b_.attach(
        nic_b_, InterfaceConfig{wire::Ipv4Cidr{kAddrB, kPrefix}, options_.mtu_b, options_.announce});
  }
  HostPair(const HostPair&) = delete;
  HostPair& operator=(const HostPair&) = delete;

  Host& a() { return a_; }
  Host& b() { return b_; }
  nic::QueueNic& nic_a() { return nic_a_; }
  nic::QueueNic& nic_b() { return nic_b_; }
  core::NicId nic_id_a() const { return nic_id_a_; }
  core::NicId nic_id_b() const { return nic_id_b_; }
  core::BufferPool& pool() { return pool_; }
  /// The latest instant handed to either host.
  core::Instant now() const { return now_; }
  const std::vector<WireFrame>& frames() const { return log_; }
  void clear_log() { log_.clear(); }

  /// Carries frames both ways until both NIC queues are empty. Each round takes what both NICs hold, then
  /// delivers it at t + delay (t starts at `now` and moves on by the delay each round). Returns the number of
  /// frames carried.
  std::size_t pump(core::Instant now) {
    set_now(now);
    std::size_t carried = 0;
    std::vector<core::PacketBuf> from_a, from_b;
    for (std::size_t round = 0; nic_a_.pending() != 0 || nic_b_.pending() != 0; ++round) {
      if (round == kMaxRounds) {
        ADD_FAILURE() << "HostPair::pump: frames still flowing after " << kMaxRounds << " rounds";
        return carried;
      }
      from_a.clear();
      from_b.clear();
      while (auto f = nic_a_.take()) from_a.push_back(std::move(*f));
      while (auto f = nic_b_.take()) from_b.push_back(std::move(*f));
      set_now(now_ + options_.delay);
      for (auto& f : from_a) deliver('a', f);
      for (auto& f : from_b) deliver('b', f);
      carried += from_a.size() + from_b.size();
    }
    return carried;
  }
  /// Pumps at the latest instant.
  std::size_t pump() { return pump(now_); }

  /// Fires both hosts' timers at t (never earlier than what they have seen) and pumps what that sent.
  std::size_t advance_to(core::Instant t) {
    set_now(t);
    a_.advance(now_);
    b_.advance(now_);
    return pump(now_);
  }
  /// Steps time forward to each pending deadline up to `t` in turn (ARP retries, reassembly timeouts).
  std::size_t run_until(core::Instant t) {
    std::size_t carried = pump(now_);
    for (std::size_t step = 0;; ++step) {
      if (step == kMaxRounds) {
        ADD_FAILURE() << "HostPair::run_until: timers still firing after " << kMaxRounds << " steps";
        return carried;
      }
      std::optional<core::Instant> next;
      for (Host* h : {&a_, &b_})
        if (auto d = h->next_deadline(); d && (!next || *d < *next)) next = d;
      if (!next || *next > t) break;
      carried += advance_to(*next > now_ ? *next : now_ + core::Duration(1));
    }
    carried += advance_to(t);
    return carried;
  }

 private:
  void set_now(core::Instant t) {
    if (t > now_) now_ = t;
  }
  void deliver(char from, core::PacketBuf& f) {
    if (options_.log_frames) {
      const auto b = f.bytes();
      log_.push_back(WireFrame{from, now_, std::vector<std::byte>(b.begin(), b.end())});
    }
    if (from == 'a')
      b_.handle_frame(nic_id_b_, f.bytes(), now_);
    else
      a_.handle_frame(nic_id_a_, f.bytes(), now_);
  }

  Options options_;
  core::BufferPool pool_;
  nic::QueueNic nic_a_, nic_b_;
  Host a_, b_;
  core::NicId nic_id_a_{}, nic_id_b_{};
  core::Instant now_{};
  std::vector<WireFrame> log_;
};

/// When the two-host tests start: one second in, clear of time zero.
inline constexpr core::Instant kT0 = core::instant_from_ns(1'000'000'000);

/// A pair whose hosts do not announce themselves, so the wire carries only what a test causes.
inline HostPair::Options quiet() {
  HostPair::Options o;
  o.announce = false;
  return o;
}

/// The IPv4 view of a carried Ethernet frame, or nullopt when it is not IPv4.
inline std::optional<wire::Ipv4View> ipv4_of(const HostPair::WireFrame& f) {
  auto eth = wire::EthernetView::parse(core::Bytes{f.bytes.data(), f.bytes.size()});
  if (!eth || eth->type() != wire::ether_type::kIpv4) return std::nullopt;
  auto ip = wire::Ipv4View::parse(eth->payload());
  if (!ip) return std::nullopt;
  return *ip;
}

}  // namespace strata::test
