// SPDX-License-Identifier: MIT
// The ARP cache: IPv4 → MAC per interface, each entry with a lifetime, bounded, least-recently-used eviction.
#pragma once

#include <optional>
#include <vector>

#include "stack/core/ids.hpp"
#include "stack/core/time.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::link {

struct ArpEntry {
  core::NicId nic;
  wire::Ipv4Address ip;
  wire::MacAddress mac;
  core::Instant expires;
  core::Instant last_used;
};

class ArpCache {
 public:
  ArpCache(std::size_t capacity, core::Duration lifetime);

  /// The MAC of a live entry, nullptr when there is none. A pointer, not an optional: a 6-byte MAC packed
  /// into an optional is stored and reloaded in pieces on every send (a failed store-to-load forward).
  /// Inline: every IPv4 packet sent asks it.
  const wire::MacAddress* lookup(core::NicId nic, wire::Ipv4Address ip, core::Instant now) {
    ArpEntry* e = find(nic, ip);
    if (e == nullptr || e->expires <= now) return nullptr;
    e->last_used = now;
    return &e->mac;
  }
  /// Inserts or refreshes; evicts the least recently used entry when full.
  void insert(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now);
  /// Refreshes only an entry that exists (RFC 826 merge without "am I the target").
  bool update(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now);
  /// Removes expired entries; returns how many.
  std::size_t expire(core::Instant now);
  /// The earliest expiry, O(1) between changes: hosts are asked for it after every event.
  std::optional<core::Instant> next_deadline() const {
    return core::deadline_or_none(next_deadline_or_never());
  }
  core::Instant next_deadline_or_never() const { return entries_.empty() ? core::kNever : earliest(); }
  /// next_deadline_or_never() into `out` when it is known without recomputing it (true); false after a
  /// change, until next_deadline_or_never() is asked once. Call-free, for callers that must not call.
  bool cached_next_deadline(core::Instant& out) const {
    if (entries_.empty()) {
      out = core::kNever;
      return true;
    }
    out = earliest_;
    return !earliest_stale_;
  }
  const std::vector<ArpEntry>& entries() const { return entries_; }
  std::size_t capacity() const { return capacity_; }

 private:
  ArpEntry* find(core::NicId nic, wire::Ipv4Address ip) {
    for (auto& e : entries_)
      if (e.ip == ip && e.nic == nic) return &e;
    return nullptr;
  }
  core::Instant earliest() const { return earliest_stale_ ? recompute_earliest() : earliest_; }
  core::Instant recompute_earliest() const;
  std::size_t capacity_;
  core::Duration lifetime_;
  std::vector<ArpEntry> entries_;
  // The minimum of entries_[].expires, recomputed only after a change that may have raised or removed it.
  mutable core::Instant earliest_ = core::Instant::max();
  mutable bool earliest_stale_ = false;
};

}  // namespace strata::link
