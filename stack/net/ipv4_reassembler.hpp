// SPDX-License-Identifier: MIT
// IPv4 reassembly (RFC 791 §3.2, RFC 815 holes). Fragments are copied at their offset into one 64 KiB pool
// slot per datagram. Bounded: datagrams in progress, bytes held, fragments per datagram; a timeout per
// datagram. Overlapping fragments make the whole datagram be dropped, as RFC 5722 does for IPv6 (and every
// later fragment of it until the timeout); an exact duplicate of a fragment already held is dropped alone.
// Not for: deciding what to do with the result (Ipv4Layer delivers it or sends ICMP time exceeded).
//
// Details:
// - Key: (source, destination, protocol, identification) (RFC 791 §3.2).
// - Holes: overlaps are refused, so the held ranges are disjoint and the datagram is complete exactly when
//   the total length is known, fragment zero is held and the bytes held equal that length.
// - A datagram is "killed" (its fragments dropped, its pool slot returned) by an overlap, by a fragment
//   contradicting its known end (Ipv4BadFragment), by one that would make it exceed 65535 bytes
//   (Ipv4FragmentTooLarge) or by one fragment too many (Ipv4TooManyFragments). A killed key leaves a
//   tombstone until the datagram's own deadline: every later fragment with that key is dropped with the same
//   reason (RFC 5722 §4). Tombstones hold no pool memory; there are max_datagrams of them and, when all are
//   in use, a new one replaces the one closest to expiring. They expire silently (no on_expired call).
// - Dropped alone (the datagram in progress is kept): an exact duplicate (same offset, length and MF flag),
//   an MF fragment whose payload is empty or not a multiple of 8 (Ipv4BadFragment), a cap on bytes or
//   datagrams (Ipv4ReassemblyMemory), no pool slot (NicNoBuffer), a buffer shorter than total_length()
//   (Ipv4Truncated) or a packet that is not a fragment (Ipv4BadFragment).
// - Time: a datagram's deadline is the arrival of its first-received fragment plus config.timeout; only
//   expire() removes a datagram whose deadline has passed (add() still accepts fragments for it until then).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/core/reason.hpp"
#include "stack/core/time.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::net {

struct ReassemblyConfig {
  std::size_t max_datagrams = 16;      // in progress at once (each holds one large pool slot)
  std::size_t max_bytes = 256 * 1024;  // fragment payload bytes held over all datagrams
  std::size_t max_fragments = 64;      // per datagram
  core::Duration timeout = std::chrono::seconds(30);
};

/// What became of one fragment.
struct ReassemblyResult {
  enum class Kind : std::uint8_t { Held, Complete, Dropped };
  Kind kind = Kind::Held;
  core::Reason reason = core::Reason::None;  // for Dropped
  /// For Complete: the whole datagram, the first fragment's IPv4 header (options kept, total length set, MF
  /// and offset cleared, checksum recomputed) followed by the payload. Valid until the next call on the
  /// reassembler.
  core::Bytes datagram;
};

/// Called for each datagram dropped by timeout: what RFC 792 needs for ICMP time exceeded (code 1), i.e. the
/// first fragment's IPv4 header and the first 8 bytes of its payload, or empty when fragment zero never came.
/// The header is as received (MF set, its own total length and checksum). Valid during the callback only.
struct ExpiredDatagram {
  core::Bytes first_fragment_prefix;
  core::NicId nic;  // the interface the first fragment came in on (fragment zero's, else the first received)
};

class Ipv4Reassembler {
 public:
  Ipv4Reassembler(core::BufferPool& pool, ReassemblyConfig config = {});

  /// Takes one fragment (is_fragment() is true; the caller has validated the header and checksum and that the
  /// buffer holds total_length() bytes). Drop reasons: Ipv4FragmentOverlap, Ipv4FragmentDuplicate,
  /// Ipv4FragmentTooLarge (offset + length beyond 65535), Ipv4BadFragment (an MF fragment whose payload is
  /// not a multiple of 8, or a fragment contradicting an already known total length), Ipv4TooManyFragments,
  /// Ipv4ReassemblyMemory (a cap would be exceeded; the fragment is dropped, the others kept), NicNoBuffer.
  ReassemblyResult add(const wire::Ipv4View& fragment, core::NicId nic, core::Instant now);

  /// Drops every datagram whose timeout has passed at `now`; calls on_expired for each (may be empty
  /// callable). Returns how many were dropped.
  /// Whether expire(now) would do nothing: no datagram can be due and no Complete result is held.
  bool idle_at(core::Instant now) const { return !completed_.valid() && now < earliest_; }
  template <class F>
  std::size_t expire(core::Instant now, F&& on_expired) {
    if (completed_.valid())
      completed_ = core::PacketBuf{};  // the previous Complete result is no longer readable
    if (now < earliest_) return 0;     // called for every frame: nothing held can be due yet
    std::size_t n = 0;
    while (auto e = pop_expired(now)) {
      on_expired(static_cast<const ExpiredDatagram&>(*e));
      ++n;
    }
    return n;
  }
  std::optional<core::Instant> next_deadline() const {
    return core::deadline_or_none(next_deadline_or_never());
  }
  /// earliest_ bounds every deadline held from below: at max, nothing is held (the inline test: hosts are
  /// asked after every event).
  core::Instant next_deadline_or_never() const {
    return earliest_ == core::kNever ? core::kNever : next_deadline_held();
  }
  /// next_deadline_or_never() into `out` when it needs no computing (true: nothing held); false otherwise.
  bool cached_next_deadline(core::Instant& out) const {
    out = core::kNever;
    return earliest_ == core::kNever;
  }
  std::size_t datagrams_in_progress() const;
  std::size_t bytes_held() const { return bytes_held_; }

 private:
  core::Instant next_deadline_held() const;
  std::optional<ExpiredDatagram> pop_expired(core::Instant now);
  // Implementation state below (free to change).
  struct Key {
    std::uint32_t src = 0, dst = 0;
    std::uint16_t ident = 0;
    std::uint8_t protocol = 0;
    bool operator==(const Key&) const = default;
  };
  /// One fragment held: payload bytes [begin, end) of the datagram, and its MF flag.
  struct Range {
    std::uint32_t begin = 0, end = 0;
    bool more_fragments = false;
  };
  /// One datagram in progress. Its fragments are ranges_[index * config_.max_fragments, + fragments).
  struct Slot {
    bool live = false;
    Key key;
    core::Instant deadline{};
    core::NicId nic{};
    /// kHeaderRoom bytes for fragment zero's header (right-aligned), then the payload at its offset.
    core::PacketBuf buf;
    std::size_t fragments = 0;
    std::uint32_t received = 0;         // payload bytes held (ranges are disjoint)
    std::uint32_t max_end = 0;          // the highest end among the ranges held
    bool total_known = false;           // the last fragment (MF clear) came
    std::uint32_t total = 0;            // payload length, once total_known
    std::uint8_t first_header_len = 0;  // 0 until fragment zero came
    std::uint32_t first_payload_len = 0;
  };
  /// A killed datagram's key, dead until the datagram's deadline.
  struct Tombstone {
    bool live = false;
    Key key;
    core::Instant deadline{};
    core::Reason reason = core::Reason::None;
  };

  ReassemblyResult kill(Slot* slot, const Key& key, core::Reason reason, core::Instant now);
  void release(Slot& slot);

  core::BufferPool& pool_;
  ReassemblyConfig config_;
  std::size_t bytes_held_ = 0;
  std::vector<Slot> slots_;            // config_.max_datagrams, sized once
  std::vector<Range> ranges_;          // config_.max_datagrams * config_.max_fragments, sized once
  std::vector<Tombstone> tombstones_;  // config_.max_datagrams, sized once
  core::PacketBuf completed_;          // the last Complete datagram's slot, returned on the next call
  core::Instant earliest_ = core::Instant::max();  // no deadline held is earlier (a lower bound)
  std::vector<std::byte> scratch_;  // the ExpiredDatagram prefix (header + 8 bytes), sized once
};

}  // namespace strata::net
