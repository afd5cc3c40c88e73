// SPDX-License-Identifier: MIT
#include "sim/net/learning_switch.hpp"

#include <cstring>
#include <utility>

#include "stack/wire/ethernet.hpp"

namespace strata::sim::net {
namespace {

std::uint64_t mac_key(wire::MacAddress mac) {
  std::uint64_t key = 0;
  for (auto octet : mac.octets) key = (key << 8) | octet;
  return key;
}

/// Index slots: a power of two at least twice the capacity, so probe runs stay short.
std::size_t index_size(std::size_t capacity) {
  std::size_t n = 2;
  while (n < 2 * capacity) n *= 2;
  return n;
}

}  // namespace

LearningSwitch::LearningSwitch(std::string name, core::BufferPool& pool, core::Duration aging,
                               std::size_t table_capacity)
    : name_(std::move(name)),
      pool_(pool),
      aging_(aging),
      entries_(table_capacity),
      index_(index_size(table_capacity), kNone) {
  free_entries_.reserve(table_capacity);
  for (std::size_t i = table_capacity; i-- > 0;) free_entries_.push_back(static_cast<std::uint32_t>(i));
}

FrameSink& LearningSwitch::add_port(nic::Nic& out) {
  return ports_.emplace_back(*this, ports_.size(), out);
}

std::optional<std::size_t> LearningSwitch::lookup(wire::MacAddress mac, core::Instant now) const {
  const std::uint32_t e = find(mac);
  if (e == kNone || now - entries_[e].learned >= aging_) return std::nullopt;
  return entries_[e].port;
}

void LearningSwitch::receive(std::size_t in_port, core::Bytes frame, core::Instant now) {
  ++stats_.received;
  if (frame.size() < wire::kEthernetHeaderLen) {
    ++stats_.dropped_malformed;
    return;
  }
  const auto dst = wire::MacAddress::load(frame.data());
  const auto src = wire::MacAddress::load(frame.data() + 6);
  if (!src.is_multicast()) learn(src, in_port, now);

  if (!dst.is_multicast()) {
    if (const auto out = lookup(dst, now)) {
      if (*out == in_port) {
        ++stats_.filtered;
        return;
      }
      ++stats_.forwarded;
      send(*out, frame, now);
      return;
    }
  }
  ++stats_.flooded;
  for (std::size_t p = 0; p < ports_.size(); ++p)
    if (p != in_port) send(p, frame, now);
}

void LearningSwitch::send(std::size_t out_port, core::Bytes frame, core::Instant now) {
  // why: a frame handed to a Nic is owned by it, and each output port needs its own; the bytes we were given
  // are borrowed from the delivering link for this call only.
  auto copy = pool_.allocate(frame.size(), 0);
  if (!copy) {
    ++stats_.dropped_no_buffer;
    return;
  }
  std::memcpy(copy->append(frame.size()).data(), frame.data(), frame.size());
  (void)ports_[out_port].out().transmit(std::move(*copy), now);  // the link counts its own drops
}

void LearningSwitch::learn(wire::MacAddress mac, std::size_t port, core::Instant now) {
  if (entries_.empty()) return;
  std::uint32_t e = find(mac);
  if (e != kNone) {
    unlink(e);
  } else {
    if (free_entries_.empty()) {  // full: the entry learned or refreshed longest ago goes
      const std::uint32_t victim = oldest_;
      unlink(victim);
      index_erase(entries_[victim].mac);
      free_entries_.push_back(victim);
      --used_;
    }
    e = free_entries_.back();
    free_entries_.pop_back();
    entries_[e].mac = mac;
    index_insert(e);
    ++used_;
  }
  entries_[e].port = port;
  entries_[e].learned = now;
  link_newest(e);
}

std::size_t LearningSwitch::home(wire::MacAddress mac) const {
  // Fibonacci hashing: the multiply spreads the (often sequential) low octets over the high bits.
  return static_cast<std::size_t>((mac_key(mac) * 0x9e3779b97f4a7c15ULL) >> 20) & (index_.size() - 1);
}

std::uint32_t LearningSwitch::find(wire::MacAddress mac) const {
  const std::size_t mask = index_.size() - 1;
  for (std::size_t i = home(mac);; i = (i + 1) & mask) {
    const std::uint32_t e = index_[i];
    if (e == kNone) return kNone;
    if (entries_[e].mac == mac) return e;
  }
}

void LearningSwitch::index_insert(std::uint32_t entry) {
  const std::size_t mask = index_.size() - 1;
  std::size_t i = home(entries_[entry].mac);
  while (index_[i] != kNone) i = (i + 1) & mask;
  index_[i] = entry;
}

void LearningSwitch::index_erase(wire::MacAddress mac) {
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = home(mac);
  while (entries_[index_[hole]].mac != mac) hole = (hole + 1) & mask;
  index_[hole] = kNone;
  // Backward-shift deletion: pull later members of the probe run into the hole when their home allows it,
  // so lookups never need tombstones.
  for (std::size_t j = (hole + 1) & mask; index_[j] != kNone; j = (j + 1) & mask) {
    const std::size_t k = home(entries_[index_[j]].mac);
    if (((j - k) & mask) >= ((j - hole) & mask)) {
      index_[hole] = index_[j];
      index_[j] = kNone;
      hole = j;
    }
  }
}

void LearningSwitch::unlink(std::uint32_t entry) {
  Entry& e = entries_[entry];
  if (e.older != kNone)
    entries_[e.older].newer = e.newer;
  else
    oldest_ = e.newer;
  if (e.newer != kNone)
    entries_[e.newer].older = e.older;
  else
    newest_ = e.older;
  e.older = e.newer = kNone;
}

void LearningSwitch::link_newest(std::uint32_t entry) {
  Entry& e = entries_[entry];
  e.older = newest_;
  e.newer = kNone;
  if (newest_ != kNone)
    entries_[newest_].newer = entry;
  else
    oldest_ = entry;
  newest_ = entry;
}

}  // namespace strata::sim::net
