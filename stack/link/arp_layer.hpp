// SPDX-License-Identifier: MIT
// ARP (RFC 826, RFC 5227 gratuitous announcements): resolves next hops for IPv4 sends, with request retries
// and a bounded queue of packets waiting for resolution; answers requests for our addresses; learns from what
// it sees.
#pragma once

#include <optional>
#include <vector>

#include "stack/core/stack_context.hpp"
#include "stack/link/arp_cache.hpp"
#include "stack/link/ethernet_layer.hpp"
#include "stack/link/l3_handler.hpp"
#include "stack/wire/arp.hpp"

namespace strata::link {

struct ArpConfig {
  std::size_t cache_capacity = 64;
  core::Duration entry_lifetime = std::chrono::seconds(60);
  core::Duration retry_interval = std::chrono::seconds(1);
  unsigned max_requests = 3;     // requests per resolution before giving up
  std::size_t max_pending = 64;  // packets waiting for resolution, over all destinations (a 64 KiB
                                 // datagram is 45 fragments at MTU 1500)
  bool answer = true;            // reply to requests for our addresses (false in replay)
};

class ArpLayer final : public L3Handler {
 public:
  ArpLayer(core::StackContext& ctx, EthernetLayer& ethernet, ArpConfig config);

  /// Sets (or clears) our address on a NIC; announces it with a gratuitous ARP when `announce`.
  void set_address(core::NicId nic, std::optional<wire::Ipv4Address> addr, core::Instant now,
                   bool announce = true);
  /// ARP, and Reverse ARP (link.type 0x8035, registered too): reported like ARP, then dropped (arp.rarp).
  void receive(core::RxFrame& frame, LinkHeader link, core::Bytes payload) override;

  /// Sends an IPv4 packet to `next_hop` on `nic`: at once when its MAC is known (or it is
  /// broadcast/multicast: `link_broadcast` says the caller knows it is a subnet broadcast), else queued while
  /// ARP resolves it.
  /// Inline: a unicast next hop whose MAC is cached (nearly every packet) goes straight to Ethernet; the
  /// rest takes send_ipv4_other().
  core::Result<void> send_ipv4(core::NicId nic, wire::Ipv4Address next_hop, core::PacketBuf&& packet,
                               core::Instant now, bool link_broadcast = false) {
    if (ethernet_.link_type(nic) == nic::LinkType::Ethernet && !link_broadcast && !next_hop.is_broadcast() &&
        !next_hop.is_multicast()) [[likely]] {
      if (const wire::MacAddress* mac = cache_.lookup(nic, next_hop, now)) [[likely]]
        return ethernet_.send(nic, *mac, wire::ether_type::kIpv4, std::move(packet), now);
    }
    return send_ipv4_other(nic, next_hop, std::move(packet), now, link_broadcast);
  }

  /// Whether `packets` more packets to `next_hop` would be sent or queued (not refused for a full queue):
  /// a fragmented datagram goes all or nothing.
  bool can_take(core::NicId nic, wire::Ipv4Address next_hop, std::size_t packets, core::Instant now);

  /// Inline: hosts advance at every socket call and event, and usually nothing is due (no entry expires, no
  /// resolution is in progress).
  void advance(core::Instant now) {
    if (resolving_.empty() && now < cache_.next_deadline_or_never()) return;
    advance_due(now);
  }
  std::optional<core::Instant> next_deadline() const {
    return core::deadline_or_none(next_deadline_or_never());
  }
  /// Inline for the common case (no resolution in progress): hosts are asked after every event.
  core::Instant next_deadline_or_never() const {
    return resolving_.empty() ? cache_.next_deadline_or_never() : next_deadline_resolving();
  }
  /// next_deadline_or_never() into `out` when it needs no computing (true: no resolution in progress, the
  /// cache's earliest expiry known); false otherwise. Call-free (see Host::cached_next_deadline).
  bool cached_next_deadline(core::Instant& out) const {
    return resolving_.empty() && cache_.cached_next_deadline(out);
  }
  ArpCache& cache() { return cache_; }
  const ArpCache& cache() const { return cache_; }
  std::size_t pending() const { return pending_.size(); }
  /// Read-only, for inspection (the stepper's `print queues`): each packet waiting for resolution, in queue
  /// order, as (interface, next hop, bytes).
  struct PendingEntry {
    core::NicId nic;
    wire::Ipv4Address next_hop;
    std::size_t bytes = 0;
  };
  std::vector<PendingEntry> pending_entries() const {
    std::vector<PendingEntry> out;
    for (const auto& p : pending_) out.push_back({p.nic, p.ip, p.packet.size()});
    return out;
  }
  const ArpConfig& config() const { return config_; }

 private:
  /// send_ipv4() for the rest: other link types, broadcast and multicast next hops, and a MAC not yet known.
  core::Result<void> send_ipv4_other(core::NicId nic, wire::Ipv4Address next_hop, core::PacketBuf&& packet,
                                     core::Instant now, bool link_broadcast);
  core::Instant next_deadline_resolving() const;
  void advance_due(core::Instant now);
  struct Pending {
    core::NicId nic;
    wire::Ipv4Address ip;
    core::PacketBuf packet;
  };
  struct Resolution {
    core::NicId nic;
    wire::Ipv4Address ip;
    unsigned requests = 0;
    core::Instant next_retry;
  };
  void send_arp(core::NicId nic, wire::ArpOp op, wire::MacAddress target_mac, wire::Ipv4Address target_ip,
                wire::Ipv4Address sender_ip, wire::MacAddress link_dst, core::Instant now);
  void flush(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now);
  std::optional<wire::Ipv4Address> address(core::NicId nic) const {
    return nic.value < addrs_.size() ? addrs_[nic.value] : std::nullopt;
  }

  core::StackContext& ctx_;
  EthernetLayer& ethernet_;
  ArpConfig config_;
  ArpCache cache_;
  std::vector<std::optional<wire::Ipv4Address>> addrs_;
  std::vector<Pending> pending_;
  std::vector<Resolution> resolving_;
};

}  // namespace strata::link
