// SPDX-License-Identifier: MIT
// IPv4 reassembly: see the header for the policy. Every fragment is checked against the datagram's state
// before a byte of it is copied; a datagram's bytes live in one large pool slot laid out as
//   [0, kHeaderRoom)                         fragment zero's header, right-aligned (20..60 bytes)
//   [kHeaderRoom, kHeaderRoom + 65535)       the payload, each fragment copied at its offset
// so that, once complete, header and payload are already contiguous and only the header fields change.
#include "stack/net/ipv4_reassembler.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "stack/wire/checksum.hpp"

namespace strata::net {
namespace {

using core::Reason;

constexpr std::size_t kHeaderRoom = 60;  // RFC 791 §3.1: IHL is at most 15 words
constexpr std::size_t kSlotBytes = kHeaderRoom + wire::kIpv4MaxDatagram;
// RFC 792: ICMP time exceeded quotes the header and the first 64 bits of the datagram's data.
constexpr std::size_t kQuotedData = 8;
// No legal datagram has more fragments than this: every fragment but the last carries at least 8 bytes of
// the at most 65535 - 20, so a larger configured cap would only waste the range table.
constexpr std::size_t kMaxUsefulFragments = (wire::kIpv4MaxDatagram - wire::kIpv4MinHeaderLen) / 8 + 1;

ReassemblyResult dropped(Reason r) {
  ReassemblyResult out;
  out.kind = ReassemblyResult::Kind::Dropped;
  out.reason = r;
  return out;
}

}  // namespace

Ipv4Reassembler::Ipv4Reassembler(core::BufferPool& pool, ReassemblyConfig config)
    : pool_(pool), config_(config) {
  config_.max_fragments = std::min(config_.max_fragments, kMaxUsefulFragments);
  // Everything is sized here, once: add() and expire() never allocate.
  slots_.resize(config_.max_datagrams);
  ranges_.resize(config_.max_datagrams * config_.max_fragments);
  tombstones_.resize(config_.max_datagrams);
  scratch_.resize(kHeaderRoom + kQuotedData);
}

void Ipv4Reassembler::release(Slot& slot) {
  bytes_held_ -= slot.received;
  slot.buf = core::PacketBuf{};  // returns the pool slot
  slot = Slot{};
}

ReassemblyResult Ipv4Reassembler::kill(Slot* slot, const Key& key, Reason reason, core::Instant now) {
  // RFC 5722 §4 (applied to IPv4): the datagram is silently discarded, and so is every fragment of it that
  // arrives later; the key stays dead until the datagram would have timed out.
  const core::Instant deadline = slot != nullptr ? slot->deadline : now + config_.timeout;
  if (slot != nullptr) release(*slot);
  Tombstone* t = nullptr;
  for (auto& candidate : tombstones_) {
    if (!candidate.live) {
      t = &candidate;
      break;
    }
    if (t == nullptr || candidate.deadline < t->deadline) t = &candidate;  // else replace the oldest
  }
  if (t != nullptr) *t = Tombstone{true, key, deadline, reason}, earliest_ = std::min(earliest_, deadline);
  return dropped(reason);
}

ReassemblyResult Ipv4Reassembler::add(const wire::Ipv4View& fragment, core::NicId nic, core::Instant now) {
  completed_ = core::PacketBuf{};  // the previous Complete result is no longer readable

  // The caller promised a fragment whose buffer holds total_length() bytes; check rather than trust.
  if (!fragment.is_fragment()) return dropped(Reason::Ipv4BadFragment);
  if (fragment.truncated()) return dropped(Reason::Ipv4Truncated);

  const core::Bytes header = fragment.header();
  const core::Bytes payload = fragment.payload();
  const std::size_t header_len = header.size();
  const bool more = fragment.more_fragments();
  // RFC 791 §3.1: the fragment offset is measured in units of 8 octets.
  const std::size_t begin = std::size_t{fragment.frag_offset()} * 8;
  const std::size_t len = payload.size();
  const std::size_t end = begin + len;  // <= 8191 * 8 + 65535: no overflow
  const Key key{fragment.src().value, fragment.dst().value, fragment.ident(), fragment.protocol()};

  // A dead key (RFC 5722 §4): dropped with the reason that killed it. Tombstones past their deadline are
  // gone.
  for (auto& t : tombstones_) {
    if (!t.live) continue;
    if (t.deadline <= now) {
      t = Tombstone{};
      continue;
    }
    if (t.key == key) return dropped(t.reason);
  }

  Slot* slot = nullptr;
  std::size_t slot_index = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].live && slots_[i].key == key) {
      slot = &slots_[i];
      slot_index = i;
      break;
    }
  }

  // RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets (the next one's offset is in
  // 8-octet units). An empty MF fragment carries nothing and could only use up the fragment cap. Such a
  // fragment is malformed in itself: it alone is dropped.
  if (more && (len == 0 || len % 8 != 0)) return dropped(Reason::Ipv4BadFragment);

  // RFC 791 §3.1: total length is 16 bits, so the reassembled datagram (fragment zero's header plus the
  // payload up to the last byte) cannot exceed 65535 octets. A fragment's own header is never longer than
  // fragment zero's (RFC 791 §3.2: only options with the copied flag are repeated), so its own header plus
  // its end is a lower bound even before fragment zero came. Such a datagram can never be delivered
  // ("ping of death"): it is killed, like an overlap.
  if (header_len + end > wire::kIpv4MaxDatagram || header_len > kHeaderRoom)
    return kill(slot, key, Reason::Ipv4FragmentTooLarge, now);
  if (slot != nullptr) {
    if (slot->first_header_len != 0 && slot->first_header_len + end > wire::kIpv4MaxDatagram)
      return kill(slot, key, Reason::Ipv4FragmentTooLarge, now);
    if (begin == 0 && header_len + slot->max_end > wire::kIpv4MaxDatagram)
      return kill(slot, key, Reason::Ipv4FragmentTooLarge, now);
  }

  if (slot != nullptr) {
    // RFC 791 §3.2: the fragment with MF clear fixes the datagram's length. A second one ending elsewhere,
    // one ending before data already held, or data past the known end contradict it: the datagram is
    // ambiguous.
    if (!more && ((slot->total_known && slot->total != end) || slot->max_end > end))
      return kill(slot, key, Reason::Ipv4BadFragment, now);
    if (more && slot->total_known && end > slot->total) return kill(slot, key, Reason::Ipv4BadFragment, now);

    const std::size_t first = slot_index * config_.max_fragments;
    for (std::size_t i = 0; i < slot->fragments; ++i) {
      const Range& r = ranges_[first + i];
      // A retransmitted copy of a fragment already held (same place, same size): it alone is ignored.
      if (r.begin == begin && r.end == end && r.more_fragments == more)
        return dropped(Reason::Ipv4FragmentDuplicate);
      // RFC 5722 §4 (the IPv4 analogue): any overlap makes the whole datagram be discarded, which also
      // defeats overlap-based evasion of filters (RFC 1858 §3.2). Empty ranges overlap nothing.
      if (begin < r.end && r.begin < end) return kill(slot, key, Reason::Ipv4FragmentOverlap, now);
    }
    if (slot->fragments >= config_.max_fragments) return kill(slot, key, Reason::Ipv4TooManyFragments, now);
    if (bytes_held_ + len > config_.max_bytes) return dropped(Reason::Ipv4ReassemblyMemory);
  } else {
    if (config_.max_fragments == 0) return kill(nullptr, key, Reason::Ipv4TooManyFragments, now);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].live) {
        slot = &slots_[i];
        slot_index = i;
        break;
      }
    }
    if (slot == nullptr) return dropped(Reason::Ipv4ReassemblyMemory);  // max_datagrams in progress
    if (bytes_held_ + len > config_.max_bytes) return dropped(Reason::Ipv4ReassemblyMemory);
    auto buf = pool_.allocate(kSlotBytes, 0);
    if (!buf || buf->tailroom() < kSlotBytes) return dropped(Reason::NicNoBuffer);  // buf goes back if any
    *slot = Slot{};
    slot->buf = std::move(*buf);
    slot->buf.append(kSlotBytes);
    slot->live = true;
    slot->key = key;
    // RFC 791 §3.2: the reassembly timer starts with the first fragment to arrive, whichever it is; it is a
    // fixed value (RFC 1122 §3.3.2), not raised by later fragments' TTLs.
    slot->deadline = now + config_.timeout;
    earliest_ = std::min(earliest_, slot->deadline);
    slot->nic = nic;
  }

  // Accept: copy the payload at its offset (and fragment zero's header in front of the payload area). The
  // 65535 check above keeps kHeaderRoom + end within the slot; IHL keeps the header within kHeaderRoom.
  const core::MutBytes area = slot->buf.bytes();
  if (len != 0) std::memcpy(area.data() + kHeaderRoom + begin, payload.data(), len);
  if (begin == 0) {
    // RFC 791 §3.2: the reassembled header is fragment zero's (the only one with every option).
    std::memcpy(area.data() + kHeaderRoom - header_len, header.data(), header_len);
    slot->first_header_len = static_cast<std::uint8_t>(header_len);
    slot->first_payload_len = static_cast<std::uint32_t>(len);
    slot->nic = nic;
  }
  ranges_[slot_index * config_.max_fragments + slot->fragments] =
      Range{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), more};
  ++slot->fragments;
  slot->received += static_cast<std::uint32_t>(len);
  bytes_held_ += len;
  slot->max_end = std::max(slot->max_end, static_cast<std::uint32_t>(end));
  if (!more) {
    slot->total_known = true;
    slot->total = static_cast<std::uint32_t>(end);
  }

  // Disjoint ranges, none past the total, adding up to the total: no hole is left (RFC 815).
  if (!slot->total_known || slot->first_header_len == 0 || slot->received != slot->total) {
    return ReassemblyResult{};  // Held
  }

  const std::size_t hl = slot->first_header_len;
  const std::size_t total = hl + slot->total;  // <= 65535, checked on every fragment
  const core::MutBytes dgram = area.subspan(kHeaderRoom - hl, total);
  // RFC 791 §3.2: the reassembled datagram has the total length of the whole, MF clear and offset zero; the
  // other flags (DF, the reserved bit) stay as fragment zero had them. The header checksum is recomputed.
  core::store_be16(dgram, 2, static_cast<std::uint16_t>(total));
  core::store_be16(dgram, 6, static_cast<std::uint16_t>(core::load_be16(dgram, 6) & 0xc000));
  core::store_be16(dgram, 10, 0);
  core::store_be16(dgram, 10, wire::internet_checksum(dgram.first(hl)));

  bytes_held_ -= slot->received;
  completed_ = std::move(slot->buf);  // readable until the next call
  *slot = Slot{};
  ReassemblyResult out;
  out.kind = ReassemblyResult::Kind::Complete;
  out.datagram = dgram;
  return out;
}

std::optional<ExpiredDatagram> Ipv4Reassembler::pop_expired(core::Instant now) {
  completed_ = core::PacketBuf{};
  for (auto& t : tombstones_)
    if (t.live && t.deadline <= now) t = Tombstone{};  // silently: nothing to report for a dead key

  Slot* oldest = nullptr;
  for (auto& s : slots_)
    if (s.live && s.deadline <= now && (oldest == nullptr || s.deadline < oldest->deadline)) oldest = &s;
  if (oldest == nullptr) {
    earliest_ = next_deadline_or_never();
    return std::nullopt;
  }

  // RFC 792 (time exceeded, code 1) / RFC 1122 §3.3.2: the quote is fragment zero's header and the first 64
  // bits of its data; with no fragment zero there is nothing to quote (and no ICMP is sent).
  ExpiredDatagram out;
  out.nic = oldest->nic;
  const std::size_t hl = oldest->first_header_len;
  if (hl != 0) {
    const core::Bytes area = std::as_const(oldest->buf).bytes();
    const std::size_t data = std::min<std::size_t>(oldest->first_payload_len, kQuotedData);
    const std::size_t n = hl + data;
    if (hl <= kHeaderRoom && kHeaderRoom + data <= area.size() && n <= scratch_.size()) {
      std::memcpy(scratch_.data(), area.data() + kHeaderRoom - hl, n);
      out.first_fragment_prefix = core::Bytes{scratch_.data(), n};
    }
  }
  release(*oldest);
  return out;
}

core::Instant Ipv4Reassembler::next_deadline_held() const {
  core::Instant best = core::kNever;
  for (const auto& s : slots_)
    if (s.live) best = std::min(best, s.deadline);
  for (const auto& t : tombstones_)
    if (t.live) best = std::min(best, t.deadline);
  return best;
}

std::size_t Ipv4Reassembler::datagrams_in_progress() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.live; }));
}

}  // namespace strata::net
