// SPDX-License-Identifier: MIT
#include "stack/link/arp_cache.hpp"

#include <algorithm>

namespace strata::link {

ArpCache::ArpCache(std::size_t capacity, core::Duration lifetime) : capacity_(capacity), lifetime_(lifetime) {
  entries_.reserve(capacity);
}

core::Instant ArpCache::recompute_earliest() const {
  earliest_ = core::Instant::max();
  for (const auto& e : entries_) earliest_ = std::min(earliest_, e.expires);
  earliest_stale_ = false;
  return earliest_;
}

void ArpCache::insert(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now) {
  if (ArpEntry* e = find(nic, ip)) {
    e->mac = mac;
    e->expires = now + lifetime_;
    e->last_used = now;
    earliest_stale_ = true;
    return;
  }
  if (capacity_ == 0) return;
  if (entries_.size() == capacity_) {
    auto lru = std::min_element(entries_.begin(), entries_.end(), [](const ArpEntry& a, const ArpEntry& b) {
      return a.last_used < b.last_used;
    });
    *lru = ArpEntry{nic, ip, mac, now + lifetime_, now};
    earliest_stale_ = true;
    return;
  }
  entries_.push_back(ArpEntry{nic, ip, mac, now + lifetime_, now});
  earliest_ = std::min(earliest_, now + lifetime_);
}

bool ArpCache::update(core::NicId nic, wire::Ipv4Address ip, wire::MacAddress mac, core::Instant now) {
  ArpEntry* e = find(nic, ip);
  if (e == nullptr) return false;
  e->mac = mac;
  e->expires = now + lifetime_;
  earliest_stale_ = true;
  return true;
}

std::size_t ArpCache::expire(core::Instant now) {
  if (entries_.empty() || now < earliest()) return 0;
  const auto before = entries_.size();
  std::erase_if(entries_, [now](const ArpEntry& e) { return e.expires <= now; });
  earliest_stale_ = true;
  return before - entries_.size();
}

}  // namespace strata::link
