// SPDX-License-Identifier: MIT
#include "sim/net/learning_switch.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "stack/wire/ethernet.hpp"

namespace strata::sim::net {
namespace {

/// A MAC as a 48-bit key, first octet lowest (so the I/G bit, multicast, is bit 0). Two loads, not six.
std::uint64_t mac_key(const void* octets) {
  std::uint32_t low = 0;
  std::uint16_t high = 0;
  std::memcpy(&low, octets, 4);
  std::memcpy(&high, static_cast<const std::byte*>(octets) + 4, 2);
  if constexpr (std::endian::native == std::endian::big) {
    low = __builtin_bswap32(low);
    high = __builtin_bswap16(high);
  }
  return low | (std::uint64_t{high} << 32);
}
bool is_multicast(std::uint64_t key) {
  return (key & 1) != 0;
}

/// Index slots: a power of two at least twice the capacity, so probe runs stay short.
std::size_t index_size(std::size_t capacity) {
  return std::bit_ceil(std::max<std::size_t>(2, 2 * capacity));
}

}  // namespace

LearningSwitch::LearningSwitch(std::string name, core::BufferPool& pool, core::Duration aging,
                               std::size_t table_capacity)
    : name_(std::move(name)),
      pool_(pool),
      aging_(aging),
      entries_(table_capacity),
      index_(index_size(table_capacity), kNone),
      index_shift_(64 - std::countr_zero(index_.size())) {
  free_entries_.reserve(table_capacity);
  for (std::size_t i = table_capacity; i-- > 0;) free_entries_.push_back(static_cast<std::uint32_t>(i));
}

FrameSink& LearningSwitch::add_port(nic::Nic& out) {
  return *ports_.emplace_back(std::make_unique<Port>(*this, static_cast<std::uint32_t>(ports_.size()), out));
}

std::optional<std::size_t> LearningSwitch::lookup(wire::MacAddress mac, core::Instant now) const {
  const std::uint32_t e = find(mac_key(mac.octets.data()));
  if (e == kNone || now - entries_[e].learned >= aging_) return std::nullopt;
  return entries_[e].port;
}

inline void LearningSwitch::receive(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now) {
  // The usual frame inline, with no call but the last (a call in the middle would make every frame save
  // registers): from the station learned last (a refresh is two stores), to a learned unicast station.
  // Anything else takes the general path, which does the same for it.
  const core::Bytes bytes = std::as_const(frame).bytes();
  if (bytes.size() < wire::kEthernetHeaderLen || newest_ == kNone)
    return receive_general(in_port, std::move(frame), now);
  const std::uint64_t src = mac_key(bytes.data() + 6);
  Entry& newest = entries_[newest_];
  // No multicast test: the table never holds a multicast key, so a source that matches one is unicast.
  if (newest.key != src) return receive_general(in_port, std::move(frame), now);
  ++stats_.received;
  newest.port = in_port;
  newest.learned = now;
  forward(in_port, mac_key(bytes.data()), std::move(frame), now);
}

void LearningSwitch::receive_general(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now) {
  ++stats_.received;
  const core::Bytes bytes = std::as_const(frame).bytes();
  if (bytes.size() < wire::kEthernetHeaderLen) {
    ++stats_.dropped_malformed;
    return;
  }
  const std::uint64_t src = mac_key(bytes.data() + 6);
  if (!is_multicast(src)) learn(src, in_port, now);
  forward(in_port, mac_key(bytes.data()), std::move(frame), now);
}

inline void LearningSwitch::forward(std::uint32_t in_port, std::uint64_t dst, core::PacketBuf&& frame,
                                    core::Instant now) {
  // A multicast (or broadcast) destination is never found (the table holds no multicast key): it floods
  // with no test of its own, which every unicast frame would pay for. The entry found last is tried first:
  // a flow's frames go to one station, and its entry is then read without the hash and the index, which
  // made a chain of dependent loads that was most of the switch's time.
  std::uint32_t e = last_dst_;
  if (e == kNone || entries_[e].key != dst) e = last_dst_ = find(dst);
  if (e != kNone && now - entries_[e].learned < aging_) {
    const std::uint32_t out = entries_[e].port;
    if (out == in_port) {
      ++stats_.filtered;
      return;
    }
    ++stats_.forwarded;
    (void)ports_[out]->out().transmit(std::move(frame), now);  // the link counts its own drops
    return;
  }
  flood(in_port, std::move(frame), now);
}

void LearningSwitch::flood(std::uint32_t in_port, core::PacketBuf&& frame, core::Instant now) {
  ++stats_.flooded;
  const core::Bytes bytes = std::as_const(frame).bytes();
  std::size_t last = ports_.size();  // the last port flooded gets the frame itself, the others copies
  for (std::size_t p = ports_.size(); p-- > 0;)
    if (p != in_port) {
      last = p;
      break;
    }
  for (std::size_t p = 0; p < last; ++p)
    if (p != in_port) send_copy(p, bytes, now);
  if (last < ports_.size()) (void)ports_[last]->out().transmit(std::move(frame), now);
}

void LearningSwitch::Port::receive(core::PacketBuf&& frame, core::Instant now) {
  switch_.receive(index_, std::move(frame), now);
}

void LearningSwitch::send_copy(std::size_t out_port, core::Bytes frame, core::Instant now) {
  // why: a frame handed to a Nic is owned by it, and each output port needs its own.
  auto copy = pool_.allocate(frame.size(), 0);
  if (!copy) {
    ++stats_.dropped_no_buffer;
    return;
  }
  std::memcpy(copy->append(frame.size()).data(), frame.data(), frame.size());
  (void)ports_[out_port]->out().transmit(std::move(*copy), now);
}

void LearningSwitch::learn(std::uint64_t key, std::uint32_t port, core::Instant now) {
  // (receive() refreshes the newest entry itself: a station that keeps talking does not come here.)
  if (entries_.empty()) return;
  std::uint32_t e = find(key);
  if (e != kNone) {
    if (e != newest_) {
      unlink(e);
      link_newest(e);
    }
  } else {
    if (free_entries_.empty()) {  // full: the entry learned or refreshed longest ago goes
      const std::uint32_t victim = oldest_;
      unlink(victim);
      index_erase(entries_[victim].key);
      free_entries_.push_back(victim);
      --used_;
    }
    e = free_entries_.back();
    free_entries_.pop_back();
    entries_[e].key = key;
    index_insert(e);
    ++used_;
    link_newest(e);
  }
  entries_[e].port = port;
  entries_[e].learned = now;
}

std::size_t LearningSwitch::home(std::uint64_t key) const {
  // Fibonacci hashing: the multiply spreads every octet into the product's top bits, which pick the slot.
  return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> index_shift_);
}

std::uint32_t LearningSwitch::find(std::uint64_t key) const {
  // The home slot first, on its own: a key is usually there (or absent), and then needs no probe mask.
  std::size_t i = home(key);
  std::uint32_t e = index_[i];
  if (e == kNone || entries_[e].key == key) return e;
  const std::size_t mask = index_.size() - 1;
  for (;;) {
    i = (i + 1) & mask;
    e = index_[i];
    if (e == kNone || entries_[e].key == key) return e;
  }
}

void LearningSwitch::index_insert(std::uint32_t entry) {
  const std::size_t mask = index_.size() - 1;
  std::size_t i = home(entries_[entry].key);
  while (index_[i] != kNone) i = (i + 1) & mask;
  index_[i] = entry;
}

void LearningSwitch::index_erase(std::uint64_t key) {
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = home(key);
  while (entries_[index_[hole]].key != key) hole = (hole + 1) & mask;
  index_[hole] = kNone;
  // Backward-shift deletion: pull later members of the probe run into the hole when their home allows it,
  // so lookups never need tombstones.
  for (std::size_t j = (hole + 1) & mask; index_[j] != kNone; j = (j + 1) & mask) {
    const std::size_t k = home(entries_[index_[j]].key);
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
