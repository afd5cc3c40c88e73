// SPDX-License-Identifier: MIT
#include "stack/net/ipv4_reassembler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::net {
namespace {

using core::Reason;
using Kind = ReassemblyResult::Kind;
using namespace std::chrono_literals;

constexpr wire::Ipv4Address kSrc = wire::Ipv4Address::from_octets(192, 0, 2, 1);
constexpr wire::Ipv4Address kDst = wire::Ipv4Address::from_octets(198, 51, 100, 7);
constexpr std::uint16_t kIdent = 0x4242;
constexpr core::NicId kNic{3};

/// The datagram payload byte at `index`: depends on the ident, so a byte in the wrong place or from the
/// wrong datagram shows.
std::byte pattern(std::size_t index, std::uint16_t ident) {
  return static_cast<std::byte>((index * 131 + (index >> 8) * 7 + ident) & 0xff);
}

struct Frag {
  std::uint16_t ident = kIdent;
  std::size_t offset = 0;  // bytes; a multiple of 8
  std::size_t length = 0;  // payload bytes
  bool more = true;
  std::uint8_t protocol = wire::ip_proto::kUdp;
  wire::Ipv4Address src = kSrc, dst = kDst;
  bool dont_fragment = false;
  std::vector<std::byte> options;  // a multiple of 4, at most 40 bytes
  std::uint8_t fill_xor = 0;       // nonzero: payload bytes differ from the pattern (a conflicting copy)
};

Frag frag(std::size_t offset, std::size_t length, bool more = true, std::uint16_t ident = kIdent) {
  Frag f;
  f.ident = ident;
  f.offset = offset;
  f.length = length;
  f.more = more;
  return f;
}

std::vector<std::byte> four_option_words();

/// Fragment zero carrying 16 bytes of options (a 36-byte header).
Frag frag_with_options(std::size_t length, bool more = true) {
  Frag f = frag(0, length, more);
  f.options = four_option_words();
  return f;
}

std::vector<std::byte> build(const Frag& f) {
  wire::Ipv4Header h;
  h.tos = 0x10;
  h.ident = f.ident;
  h.dont_fragment = f.dont_fragment;
  h.more_fragments = f.more;
  h.frag_offset = static_cast<std::uint16_t>(f.offset / 8);
  h.ttl = 17;
  h.protocol = f.protocol;
  h.src = f.src;
  h.dst = f.dst;
  h.options = f.options;
  h.total_length = static_cast<std::uint16_t>(h.wire_size() + f.length);
  std::vector<std::byte> out(h.wire_size() + f.length);
  h.emit(out);
  for (std::size_t i = 0; i < f.length; ++i)
    out[h.wire_size() + i] = pattern(f.offset + i, f.ident) ^ static_cast<std::byte>(f.fill_xor);
  return out;
}

/// Splits a payload of `total` bytes into fragments of `size` payload bytes (a multiple of 8).
std::vector<Frag> split(std::size_t total, std::size_t size, std::uint16_t ident = kIdent) {
  std::vector<Frag> out;
  for (std::size_t off = 0; off < total; off += size) {
    Frag f;
    f.ident = ident;
    f.offset = off;
    f.length = std::min(size, total - off);
    f.more = off + f.length < total;
    out.push_back(f);
  }
  return out;
}

std::vector<std::byte> four_option_words() {
  // NOP x3, then Record Route (type 7, not copied: fragment zero only), 11 bytes; EOL padding.
  std::vector<std::byte> o(16, std::byte{0});
  o[0] = o[1] = o[2] = std::byte{1};
  o[3] = std::byte{7};
  o[4] = std::byte{11};
  o[5] = std::byte{4};
  return o;
}

class Ipv4ReassemblerTest : public ::testing::Test {
 protected:
  explicit Ipv4ReassemblerTest(std::size_t large_slots = 8, ReassemblyConfig config = {})
      : pool_(4, large_slots), r_(pool_, config) {}

  ReassemblyResult add(const Frag& f, core::Instant at) {
    held_ = build(f);
    auto v = wire::Ipv4View::parse(held_);
    EXPECT_TRUE(v.ok());
    return r_.add(*v, kNic, at);
  }
  ReassemblyResult add(const Frag& f) { return add(f, now_); }

  /// Checks a Complete result: header fields, checksum, and the payload pattern.
  void expect_datagram(const ReassemblyResult& res, std::size_t payload_len, std::uint16_t ident = kIdent,
                       std::size_t header_len = 20) {
    ASSERT_EQ(res.kind, Kind::Complete);
    ASSERT_EQ(res.datagram.size(), header_len + payload_len);
    auto v = wire::Ipv4View::parse(res.datagram);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->header_len(), header_len);
    EXPECT_EQ(v->total_length(), header_len + payload_len);
    EXPECT_TRUE(v->checksum_ok());
    EXPECT_FALSE(v->is_fragment());
    EXPECT_FALSE(v->more_fragments());
    EXPECT_EQ(v->frag_offset(), 0);
    EXPECT_EQ(v->ident(), ident);
    EXPECT_EQ(v->src(), kSrc);
    EXPECT_EQ(v->dst(), kDst);
    EXPECT_EQ(v->protocol(), wire::ip_proto::kUdp);
    EXPECT_EQ(v->ttl(), 17);
    EXPECT_EQ(v->tos(), 0x10);
    const auto payload = v->payload();
    ASSERT_EQ(payload.size(), payload_len);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < payload_len; ++i) wrong += payload[i] != pattern(i, ident);
    EXPECT_EQ(wrong, 0u);
  }

  /// Mixed legitimate and hostile fragments for a few keys; checks the caps after every call and that every
  /// completed datagram is exactly right. Returns how many completed.
  std::size_t hostile_run(unsigned seed, std::size_t max_bytes, std::size_t max_datagrams) {
    std::mt19937 rng(seed);
    core::Instant t = now_;
    std::size_t completed = 0;
    std::array<std::size_t, static_cast<std::size_t>(Reason::kCount)> drops{};
    for (int i = 0; i < 20000; ++i) {
      const auto ident = static_cast<std::uint16_t>(rng() % 6);
      const std::size_t total = 40 + 24 * ident + ident % 3;
      const auto plan = split(total, 8 * (1 + ident % 3), ident);
      Frag f = plan[rng() % plan.size()];
      switch (rng() % 24) {
        case 6:  // odd lengths, random flags, near the real data
          f.offset = 8 * (rng() % 16);
          f.length = rng() % 40;
          f.more = rng() % 2 != 0;
          break;
        case 7:  // anywhere, up to past the 65535 limit
          f.offset = 8 * (rng() % 8192);
          f.length = 8 * (rng() % 200);
          f.more = rng() % 2 != 0;
          break;
        case 8:  // a last fragment ending somewhere else
          f.offset = 8 * (rng() % 16);
          f.length = rng() % 24;
          f.more = false;
          break;
        case 9:
          if (f.offset == 0) f.options = four_option_words();
          break;
        default:
          break;
      }
      if (f.offset == 0 && !f.more) f.more = true;  // keep it a fragment
      t += std::chrono::milliseconds(rng() % 200);
      auto res = add(f, t);
      if (res.kind == Kind::Dropped) ++drops[static_cast<std::size_t>(res.reason)];
      if (res.kind == Kind::Complete) {
        ++completed;
        auto v = wire::Ipv4View::parse(res.datagram);
        EXPECT_TRUE(v.ok());
        if (!v.ok()) return completed;
        EXPECT_TRUE(v->checksum_ok());
        EXPECT_EQ(v->total_length(), res.datagram.size());
        EXPECT_FALSE(v->is_fragment());
        const auto p = v->payload();
        // Hostile fragments carry the same pattern, so any consistent set they complete (perhaps of another
        // length than the plan's) still reads back as the pattern.
        EXPECT_LE(p.size(), 8u * 8192);
        std::size_t wrong = 0;
        for (std::size_t k = 0; k < p.size(); ++k) wrong += p[k] != pattern(k, v->ident());
        EXPECT_EQ(wrong, 0u);
      }
      EXPECT_LE(r_.bytes_held(), max_bytes);
      EXPECT_LE(r_.datagrams_in_progress(), max_datagrams);
      if (rng() % 50 == 0)
        (void)r_.expire(t, [](const ExpiredDatagram& e) { EXPECT_LE(e.first_fragment_prefix.size(), 68u); });
      if (::testing::Test::HasFailure()) return completed;
    }
    // The mix reaches every per-fragment rule.
    for (Reason r : {Reason::Ipv4FragmentOverlap, Reason::Ipv4FragmentDuplicate, Reason::Ipv4FragmentTooLarge,
                     Reason::Ipv4BadFragment})
      EXPECT_GT(drops[static_cast<std::size_t>(r)], 0u) << core::name(r);
    if (std::getenv("STRATA_TEST_VERBOSE") != nullptr) {
      std::printf("completed %zu\n", completed);
      for (std::size_t k = 0; k < drops.size(); ++k)
        if (drops[k] != 0) std::printf("  %s %zu\n", core::name(static_cast<Reason>(k)).data(), drops[k]);
    }
    (void)r_.expire(t + 1h, [](const ExpiredDatagram&) {});
    EXPECT_EQ(pool_.in_use(), 0u);
    EXPECT_EQ(r_.bytes_held(), 0u);
    EXPECT_EQ(r_.datagrams_in_progress(), 0u);
    EXPECT_EQ(r_.next_deadline(), std::nullopt);
    now_ = t + 2h;
    return completed;
  }

  core::BufferPool pool_;
  Ipv4Reassembler r_;
  core::Instant now_ = core::instant_from_ns(1'000'000'000);
  std::vector<std::byte> held_;
};

class Ipv4ReassemblerOneSlot : public Ipv4ReassemblerTest {
 protected:
  Ipv4ReassemblerOneSlot() : Ipv4ReassemblerTest(1) {}
};
class Ipv4ReassemblerNoSlot : public Ipv4ReassemblerTest {
 protected:
  Ipv4ReassemblerNoSlot() : Ipv4ReassemblerTest(0) {}
};
class Ipv4ReassemblerSmallCaps : public Ipv4ReassemblerTest {
 protected:
  Ipv4ReassemblerSmallCaps()
      : Ipv4ReassemblerTest(8, ReassemblyConfig{.max_datagrams = 2,
                                                .max_bytes = 4000,
                                                .max_fragments = 4,
                                                .timeout = std::chrono::seconds(10)}) {}
};

// ---- Orders
// -------------------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, ReassemblesFragmentsArrivingInOrder) {
  auto frags = split(3000, 1480);
  ASSERT_EQ(frags.size(), 3u);
  EXPECT_EQ(add(frags[0]).kind, Kind::Held);
  EXPECT_EQ(add(frags[1]).kind, Kind::Held);
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);
  EXPECT_EQ(r_.bytes_held(), 2960u);
  auto res = add(frags[2]);
  expect_datagram(res, 3000);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
}

TEST_F(Ipv4ReassemblerTest, ReassemblesFragmentsArrivingInReverseOrder) {
  auto frags = split(5000, 512);
  std::reverse(frags.begin(), frags.end());
  for (std::size_t i = 0; i + 1 < frags.size(); ++i) ASSERT_EQ(add(frags[i]).kind, Kind::Held) << i;
  expect_datagram(add(frags.back()), 5000);
}

TEST_F(Ipv4ReassemblerTest, ReassemblesShuffledFragmentsForManySeeds) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const auto ident = static_cast<std::uint16_t>(seed);
    std::mt19937 rng(seed);
    const std::size_t size = 8 * (1 + rng() % 60);
    const std::size_t total = size + 1 + rng() % 9000;  // at least two fragments
    auto frags = split(total, size, ident);
    std::shuffle(frags.begin(), frags.end(), rng);
    if (frags.size() > 64) continue;  // default fragment cap; covered elsewhere
    for (std::size_t i = 0; i + 1 < frags.size(); ++i)
      ASSERT_EQ(add(frags[i]).kind, Kind::Held) << "seed " << seed << " fragment " << i;
    expect_datagram(add(frags.back()), total, ident);
    ASSERT_EQ(r_.bytes_held(), 0u);
  }
}

TEST_F(Ipv4ReassemblerTest, ReassemblesInterleavedDatagramsWithDifferentIds) {
  auto a = split(2000, 400, 1);
  auto b = split(1300, 256, 2);
  std::reverse(b.begin(), b.end());
  auto c = split(800, 800 - 800 % 8 - 8, 3);
  std::size_t completed = 0;
  for (std::size_t i = 0; i < std::max({a.size(), b.size(), c.size()}); ++i) {
    if (i < c.size()) {
      auto res = add(c[i]);
      if (res.kind == Kind::Complete) expect_datagram(res, 800, 3), ++completed;
    }
    if (i < a.size()) {
      auto res = add(a[i]);
      if (res.kind == Kind::Complete) expect_datagram(res, 2000, 1), ++completed;
    }
    if (i < b.size()) {
      auto res = add(b[i]);
      if (res.kind == Kind::Complete) expect_datagram(res, 1300, 2), ++completed;
    }
  }
  EXPECT_EQ(completed, 3u);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

TEST_F(Ipv4ReassemblerTest, KeyIncludesSourceDestinationAndProtocol) {
  // Same ident, four different keys: none completes another's datagram.
  Frag head = frag(0, 8, true);
  Frag tail = frag(8, 8, false);
  Frag other_src = tail, other_dst = tail, other_proto = tail;
  other_src.src = wire::Ipv4Address::from_octets(192, 0, 2, 99);
  other_dst.dst = wire::Ipv4Address::from_octets(198, 51, 100, 99);
  other_proto.protocol = wire::ip_proto::kTcp;
  EXPECT_EQ(add(head).kind, Kind::Held);
  EXPECT_EQ(add(other_src).kind, Kind::Held);
  EXPECT_EQ(add(other_dst).kind, Kind::Held);
  EXPECT_EQ(add(other_proto).kind, Kind::Held);
  EXPECT_EQ(r_.datagrams_in_progress(), 4u);
  expect_datagram(add(tail), 16);
  EXPECT_EQ(r_.datagrams_in_progress(), 3u);
}

// ---- The reassembled header
// ---------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, ReassembledHeaderIsFragmentZerosWithLengthFlagsAndChecksumFixed) {
  Frag zero = frag_with_options(24);
  zero.dont_fragment = true;
  Frag last = frag(24, 5, false);
  last.dont_fragment = true;
  EXPECT_EQ(add(last).kind, Kind::Held);
  auto res = add(zero);
  expect_datagram(res, 29, kIdent, 36);
  auto v = wire::Ipv4View::parse(res.datagram);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->dont_fragment());
  const auto opts = four_option_words();
  ASSERT_EQ(v->options().size(), opts.size());
  EXPECT_TRUE(std::equal(opts.begin(), opts.end(), v->options().begin()));
  EXPECT_EQ(wire::ones_sum(v->header()), 0xffff);
}

TEST_F(Ipv4ReassemblerTest, CompletedDatagramStaysReadableUntilTheNextCall) {
  auto frags = split(100, 64);
  EXPECT_EQ(add(frags[1]).kind, Kind::Held);
  auto res = add(frags[0]);
  ASSERT_EQ(res.kind, Kind::Complete);
  EXPECT_EQ(pool_.in_use(), 1u);  // the completed datagram's slot, held for the result
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.next_deadline(), std::nullopt);
  expect_datagram(res, 100);  // const queries do not invalidate it
  EXPECT_EQ(r_.expire(now_, [](const ExpiredDatagram&) {}), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, ReassemblesLastFragmentWithEmptyPayload) {
  EXPECT_EQ(add(frag(0, 16, true)).kind, Kind::Held);
  expect_datagram(add(frag(16, 0, false)), 16);
}

// ---- Overlaps and duplicates (RFC 5722)
// ---------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, OverlapDropsWholeDatagramAndLaterFragmentsUntilTimeout) {
  const auto t0 = now_;
  EXPECT_EQ(add(frag(0, 32, true), t0).kind, Kind::Held);
  EXPECT_EQ(add(frag(64, 16, false), t0 + 1s).kind, Kind::Held);
  EXPECT_EQ(r_.bytes_held(), 48u);
  auto res = add(frag(24, 16, true), t0 + 2s);  // [24, 40) overlaps [0, 32)
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
  // The key is dead until the first fragment's deadline (t0 + 30 s), even for fragments that fit.
  EXPECT_EQ(r_.next_deadline(), t0 + 30s);
  for (const Frag& f : split(80, 32)) {
    res = add(f, t0 + 29s);
    EXPECT_EQ(res.kind, Kind::Dropped);
    EXPECT_EQ(res.reason, Reason::Ipv4FragmentOverlap);
  }
  EXPECT_EQ(pool_.in_use(), 0u);
  // Another ident is unaffected.
  EXPECT_EQ(add(frag(0, 8, true, 7), t0 + 29s).kind, Kind::Held);
  // At the deadline the tombstone goes, silently; the key reassembles again.
  int calls = 0;
  EXPECT_EQ(r_.expire(t0 + 30s, [&](const ExpiredDatagram&) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
  auto frags = split(80, 32);
  EXPECT_EQ(add(frags[2], t0 + 31s).kind, Kind::Held);
  EXPECT_EQ(add(frags[0], t0 + 31s).kind, Kind::Held);
  expect_datagram(add(frags[1], t0 + 31s), 80);
}

TEST_F(Ipv4ReassemblerTest, TombstoneExpiresWithoutExpireWhenItsDeadlinePassed) {
  EXPECT_EQ(add(frag(0, 32)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 16)).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(add(frag(16, 8), now_ + 29s).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(add(frag(16, 8), now_ + 30s).kind, Kind::Held);
}

TEST_F(Ipv4ReassemblerTest, SameOffsetDifferentLengthIsAnOverlap) {
  EXPECT_EQ(add(frag(8, 16)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 24)).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

TEST_F(Ipv4ReassemblerTest, FragmentCoveringAHeldOneIsAnOverlap) {
  EXPECT_EQ(add(frag(16, 8)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 48)).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, SameRangeWithOtherMoreFragmentsFlagIsAnOverlap) {
  EXPECT_EQ(add(frag(0, 8, true)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 8, true)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 8, false)).reason, Reason::Ipv4FragmentOverlap);
}

TEST_F(Ipv4ReassemblerTest, AdjacentFragmentsDoNotOverlap) {
  EXPECT_EQ(add(frag(8, 8)).kind, Kind::Held);
  EXPECT_EQ(add(frag(16, 8, false)).kind, Kind::Held);
  expect_datagram(add(frag(0, 8)), 24);
}

TEST_F(Ipv4ReassemblerTest, ExactDuplicateIsIgnoredAndDatagramStillCompletes) {
  auto frags = split(300, 104);
  EXPECT_EQ(add(frags[1]).kind, Kind::Held);
  auto res = add(frags[1]);
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4FragmentDuplicate);
  EXPECT_EQ(r_.bytes_held(), 104u);
  EXPECT_EQ(add(frags[2]).kind, Kind::Held);
  EXPECT_EQ(add(frags[2]).reason, Reason::Ipv4FragmentDuplicate);  // the last one, too
  // The first copy's bytes are kept (a duplicate with other contents does not overwrite them).
  Frag liar = frags[1];
  liar.fill_xor = 0xff;
  EXPECT_EQ(add(liar).reason, Reason::Ipv4FragmentDuplicate);
  expect_datagram(add(frags[0]), 300);
}

TEST_F(Ipv4ReassemblerTest, DuplicatesDoNotCountTowardsTheFragmentCap) {
  auto frags = split(64 * 8, 8);
  ASSERT_EQ(frags.size(), 64u);
  for (std::size_t i = 1; i < frags.size(); ++i) ASSERT_EQ(add(frags[i]).kind, Kind::Held);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(add(frags[5]).reason, Reason::Ipv4FragmentDuplicate);
  expect_datagram(add(frags[0]), 64 * 8);
}

// ---- Malformed fragments
// ------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, MoreFragmentsPayloadNotMultipleOfEightIsBadFragmentAndDroppedAlone) {
  EXPECT_EQ(add(frag(0, 16)).kind, Kind::Held);
  auto res = add(frag(16, 13, true));
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);  // the datagram in progress is kept
  EXPECT_EQ(add(frag(16, 13, false)).kind, Kind::Complete);
}

TEST_F(Ipv4ReassemblerTest, EmptyMoreFragmentsFragmentIsBadFragment) {
  EXPECT_EQ(add(frag(8, 0, true)).reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, NonFragmentIsRefused) {
  EXPECT_EQ(add(frag(0, 40, false)).reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, TruncatedFragmentIsRefused) {
  auto bytes = build(frag(0, 40));
  bytes.resize(bytes.size() - 1);
  auto v = wire::Ipv4View::parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(r_.add(*v, kNic, now_).reason, Reason::Ipv4Truncated);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, ConflictingLastFragmentsDropDatagram) {
  EXPECT_EQ(add(frag(0, 16)).kind, Kind::Held);
  EXPECT_EQ(add(frag(32, 10, false)).kind, Kind::Held);
  auto res = add(frag(48, 10, false));
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
  // Dead until the timeout, like an overlap.
  EXPECT_EQ(add(frag(16, 16)).reason, Reason::Ipv4BadFragment);
}

TEST_F(Ipv4ReassemblerTest, DataBeyondKnownEndDropsDatagram) {
  EXPECT_EQ(add(frag(16, 4, false)).kind, Kind::Held);  // ends at 20
  EXPECT_EQ(add(frag(24, 8, true)).reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, LastFragmentEndingBeforeHeldDataDropsDatagram) {
  EXPECT_EQ(add(frag(64, 16, true)).kind, Kind::Held);
  EXPECT_EQ(add(frag(16, 8, false)).reason, Reason::Ipv4BadFragment);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

// ---- The 65535-byte limit
// -----------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, FragmentEndingPast65535IsTooLarge) {
  // 20 + 8189 * 8 + 16 = 65548 > 65535 ("ping of death").
  auto res = add(frag(8189 * 8, 16, false));
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4FragmentTooLarge);
  EXPECT_EQ(pool_.in_use(), 0u);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

TEST_F(Ipv4ReassemblerTest, TooLargeFragmentKillsTheDatagramInProgress) {
  EXPECT_EQ(add(frag(0, 1480)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8189 * 8, 16)).reason, Reason::Ipv4FragmentTooLarge);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
  EXPECT_EQ(add(frag(1480, 8, false)).reason, Reason::Ipv4FragmentTooLarge);
}

TEST_F(Ipv4ReassemblerTest, FragmentZeroWithOptionsPushingPast65535IsTooLarge) {
  // Held: payload up to 65515 = 65535 - 20. Fragment zero brings a 36-byte header: 65551 in all.
  EXPECT_EQ(add(frag(65512, 3, false)).kind, Kind::Held);
  auto res = add(frag_with_options(8));
  EXPECT_EQ(res.reason, Reason::Ipv4FragmentTooLarge);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, FragmentPastLimitOfFragmentZerosHeaderIsTooLarge) {
  EXPECT_EQ(add(frag_with_options(8)).kind, Kind::Held);
  // 20 + 65515 fits this fragment's own header, not fragment zero's 36 bytes.
  EXPECT_EQ(add(frag(65512, 3, false)).reason, Reason::Ipv4FragmentTooLarge);
}

TEST_F(Ipv4ReassemblerTest, ReassemblesTheLargestLegalDatagram) {
  // 65535 = 20 + 65515: 44 fragments of 1488 bytes and a last one of 43, shuffled.
  auto frags = split(65515, 1488);
  ASSERT_EQ(frags.size(), 45u);
  EXPECT_EQ(frags.back().offset + frags.back().length, 65515u);
  std::mt19937 rng(65535);
  std::shuffle(frags.begin(), frags.end(), rng);
  for (std::size_t i = 0; i + 1 < frags.size(); ++i) ASSERT_EQ(add(frags[i]).kind, Kind::Held) << i;
  auto res = add(frags.back());
  expect_datagram(res, 65515);
  EXPECT_EQ(res.datagram.size(), 65535u);
}

TEST_F(Ipv4ReassemblerTest, ReassemblesTheLargestLegalDatagramEndingAtTheLastOffset) {
  // A last fragment at the highest offset that still fits: 8189 * 8 = 65512, 3 bytes.
  EXPECT_EQ(add(frag(8189 * 8, 3, false)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 32760)).kind, Kind::Held);
  auto res = add(frag(32760, 32752));
  expect_datagram(res, 65515);
}

// ---- Caps
// ---------------------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerSmallCaps, ByteCapDropsTheFragmentAndKeepsTheOthers) {
  EXPECT_EQ(add(frag(0, 2000, true, 1)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 1600, true, 2)).kind, Kind::Held);
  EXPECT_EQ(r_.bytes_held(), 3600u);
  auto res = add(frag(2000, 401, false, 1));  // 4001 > 4000
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4ReassemblyMemory);
  EXPECT_EQ(r_.datagrams_in_progress(), 2u);
  EXPECT_EQ(r_.bytes_held(), 3600u);
  // Exactly at the cap is allowed.
  expect_datagram(add(frag(2000, 400, false, 1)), 2400, 1);
  EXPECT_EQ(r_.bytes_held(), 1600u);
}

TEST_F(Ipv4ReassemblerSmallCaps, ByteCapRefusesANewDatagram) {
  EXPECT_EQ(add(frag(0, 3200, true, 1)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 808, true, 2)).reason, Reason::Ipv4ReassemblyMemory);
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);
  EXPECT_EQ(pool_.in_use(), 1u);
}

TEST_F(Ipv4ReassemblerSmallCaps, DatagramCountCapDropsTheNewDatagram) {
  EXPECT_EQ(add(frag(0, 8, true, 1)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 8, true, 2)).kind, Kind::Held);
  auto res = add(frag(0, 8, true, 3));
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4ReassemblyMemory);
  EXPECT_EQ(r_.datagrams_in_progress(), 2u);
  EXPECT_EQ(pool_.in_use(), 2u);
  // The ones in progress still take fragments; once one completes, a new datagram fits.
  expect_datagram(add(frag(8, 8, false, 1)), 16, 1);
  EXPECT_EQ(add(frag(0, 8, true, 3)).kind, Kind::Held);
}

TEST_F(Ipv4ReassemblerSmallCaps, TooManyFragmentsDropsTheDatagram) {
  auto frags = split(40, 8);  // 5 fragments, cap 4
  for (std::size_t i = 0; i < 4; ++i) ASSERT_EQ(add(frags[i]).kind, Kind::Held);
  auto res = add(frags[4]);
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::Ipv4TooManyFragments);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(pool_.in_use(), 0u);
  EXPECT_EQ(add(frags[0]).reason, Reason::Ipv4TooManyFragments);  // dead until the timeout
  // Exactly at the cap reassembles.
  auto four = split(32, 8, 9);
  for (std::size_t i = 0; i < 3; ++i) ASSERT_EQ(add(four[i]).kind, Kind::Held);
  EXPECT_EQ(add(four[3]).kind, Kind::Complete);
}

TEST_F(Ipv4ReassemblerSmallCaps, TombstonesDoNotTakeDatagramSlots) {
  EXPECT_EQ(add(frag(0, 16, true, 1)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 16, true, 1)).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(add(frag(0, 16, true, 2)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 16, true, 3)).kind, Kind::Held);
  EXPECT_EQ(r_.datagrams_in_progress(), 2u);
  EXPECT_EQ(add(frag(16, 8, true, 1)).reason, Reason::Ipv4FragmentOverlap);
}

TEST_F(Ipv4ReassemblerSmallCaps, NewTombstoneReplacesTheOldestWhenAllAreUsed) {
  // Two tombstones (max_datagrams); a third replaces the one closest to expiring.
  const auto t0 = now_;
  for (std::uint16_t id = 1; id <= 3; ++id) {
    const auto at = t0 + std::chrono::seconds(id);
    EXPECT_EQ(add(frag(8189 * 8, 16, true, id), at).reason, Reason::Ipv4FragmentTooLarge);
  }
  EXPECT_EQ(add(frag(0, 8, true, 1), t0 + 4s).kind, Kind::Held);  // forgotten
  EXPECT_EQ(add(frag(0, 8, true, 2), t0 + 4s).reason, Reason::Ipv4FragmentTooLarge);
  EXPECT_EQ(add(frag(0, 8, true, 3), t0 + 4s).reason, Reason::Ipv4FragmentTooLarge);
}

// ---- Pool
// ---------------------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerNoSlot, PoolWithoutLargeSlotsDropsWithNicNoBuffer) {
  auto res = add(frag(0, 8));
  EXPECT_EQ(res.kind, Kind::Dropped);
  EXPECT_EQ(res.reason, Reason::NicNoBuffer);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(r_.next_deadline(), std::nullopt);
}

TEST_F(Ipv4ReassemblerOneSlot, PoolWithOneLargeSlotHoldsOneDatagramAtATime) {
  EXPECT_EQ(add(frag(0, 8, true, 1)).kind, Kind::Held);
  auto res = add(frag(0, 8, true, 2));
  EXPECT_EQ(res.reason, Reason::NicNoBuffer);
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);
  EXPECT_EQ(r_.bytes_held(), 8u);
  expect_datagram(add(frag(8, 8, false, 1)), 16, 1);
  // The completed datagram's slot comes back on the next call, which can then use it.
  EXPECT_EQ(add(frag(0, 8, true, 2)).kind, Kind::Held);
  EXPECT_EQ(pool_.in_use(), 1u);
}

TEST_F(Ipv4ReassemblerTest, AllPoolSlotsReturnAfterCompleteExpireAndDrop) {
  // Complete.
  auto a = split(3000, 1000, 1);
  for (auto& f : a) (void)add(f);
  // Expire (two datagrams, one with fragment zero).
  EXPECT_EQ(add(frag(0, 8, true, 2)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 8, true, 3)).kind, Kind::Held);
  // Dropped by overlap, too large, bad fragment, too many fragments.
  EXPECT_EQ(add(frag(0, 8, true, 4)).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 16, true, 4)).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(add(frag(0, 8, true, 5)).kind, Kind::Held);
  EXPECT_EQ(add(frag(65512, 8, true, 5)).reason, Reason::Ipv4FragmentTooLarge);
  EXPECT_EQ(add(frag(8, 8, false, 6)).kind, Kind::Held);
  EXPECT_EQ(add(frag(8, 16, false, 6)).reason, Reason::Ipv4BadFragment);
  auto many = split(65 * 8, 8, 7);
  for (std::size_t i = 0; i < 64; ++i) ASSERT_EQ(add(many[i]).kind, Kind::Held);
  EXPECT_EQ(add(many[64]).reason, Reason::Ipv4TooManyFragments);
  EXPECT_EQ(pool_.in_use(), 2u);  // idents 2 and 3
  EXPECT_EQ(r_.expire(now_ + 30s, [](const ExpiredDatagram&) {}), 2u);
  EXPECT_EQ(pool_.in_use(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
  EXPECT_EQ(r_.next_deadline(), std::nullopt);  // the tombstones went too
}

// ---- Timeout
// ------------------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, TimeoutWithFragmentZeroReportsItsHeaderAndEightPayloadBytes) {
  const auto t0 = now_;
  Frag zero = frag_with_options(64);
  const auto zero_bytes = build(zero);
  EXPECT_EQ(add(frag(128, 8, false), t0).kind, Kind::Held);
  EXPECT_EQ(add(zero, t0 + 5s).kind, Kind::Held);
  EXPECT_EQ(r_.expire(t0 + 30s - 1ns, [](const ExpiredDatagram&) { FAIL(); }), 0u);
  std::vector<std::vector<std::byte>> seen;
  std::vector<core::NicId> nics;
  EXPECT_EQ(r_.expire(t0 + 30s,
                      [&](const ExpiredDatagram& e) {
                        seen.emplace_back(e.first_fragment_prefix.begin(), e.first_fragment_prefix.end());
                        nics.push_back(e.nic);
                      }),
            1u);
  ASSERT_EQ(seen.size(), 1u);
  // Fragment zero's header as it arrived (36 bytes, MF set, its own length and checksum), then 8 bytes.
  ASSERT_EQ(seen[0].size(), 36u + 8u);
  EXPECT_TRUE(std::equal(seen[0].begin(), seen[0].end(), zero_bytes.begin()));
  EXPECT_EQ(nics[0], kNic);
  EXPECT_EQ(pool_.in_use(), 0u);
  EXPECT_EQ(r_.bytes_held(), 0u);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

TEST_F(Ipv4ReassemblerTest, TimeoutWithoutFragmentZeroReportsAnEmptyPrefix) {
  EXPECT_EQ(add(frag(8, 8)).kind, Kind::Held);
  int calls = 0;
  EXPECT_EQ(r_.expire(now_ + 30s,
                      [&](const ExpiredDatagram& e) {
                        ++calls;
                        EXPECT_TRUE(e.first_fragment_prefix.empty());
                        EXPECT_EQ(e.nic, kNic);
                      }),
            1u);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(pool_.in_use(), 0u);
}

TEST_F(Ipv4ReassemblerTest, TimeoutWithShortFragmentZeroQuotesWhatItHad) {
  // Fragment zero with exactly 8 bytes of payload: header and all of it.
  Frag zero = frag(0, 8);
  const auto zero_bytes = build(zero);
  EXPECT_EQ(add(zero).kind, Kind::Held);
  std::size_t size = 0;
  (void)r_.expire(now_ + 30s, [&](const ExpiredDatagram& e) {
    size = e.first_fragment_prefix.size();
    EXPECT_TRUE(
        std::equal(e.first_fragment_prefix.begin(), e.first_fragment_prefix.end(), zero_bytes.begin()));
  });
  EXPECT_EQ(size, 28u);
}

TEST_F(Ipv4ReassemblerTest, TimeoutCountsFromTheFirstReceivedFragment) {
  const auto t0 = now_;
  EXPECT_EQ(add(frag(8, 8), t0).kind, Kind::Held);
  EXPECT_EQ(add(frag(24, 8), t0 + 20s).kind, Kind::Held);  // does not extend it
  EXPECT_EQ(r_.next_deadline(), t0 + 30s);
  EXPECT_EQ(r_.expire(t0 + 29s, [](const ExpiredDatagram&) {}), 0u);
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);
  EXPECT_EQ(r_.expire(t0 + 30s, [](const ExpiredDatagram&) {}), 1u);
  EXPECT_EQ(r_.datagrams_in_progress(), 0u);
}

TEST_F(Ipv4ReassemblerTest, ExpireDropsEveryDatagramPastItsDeadlineAndKeepsTheRest) {
  const auto t0 = now_;
  EXPECT_EQ(add(frag(0, 8, true, 1), t0).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 8, true, 2), t0 + 1s).kind, Kind::Held);
  EXPECT_EQ(add(frag(0, 8, true, 3), t0 + 10s).kind, Kind::Held);
  std::vector<std::uint16_t> idents;
  EXPECT_EQ(r_.expire(t0 + 31s,
                      [&](const ExpiredDatagram& e) {
                        auto v = wire::Ipv4View::parse(e.first_fragment_prefix);
                        ASSERT_TRUE(v.ok());
                        idents.push_back(v->ident());
                      }),
            2u);
  EXPECT_EQ(idents, (std::vector<std::uint16_t>{1, 2}));  // oldest first
  EXPECT_EQ(r_.datagrams_in_progress(), 1u);
  EXPECT_EQ(r_.next_deadline(), t0 + 40s);
  EXPECT_EQ(pool_.in_use(), 1u);
}

TEST_F(Ipv4ReassemblerTest, ExpireWithANoOpCallbackStillDrops) {
  EXPECT_EQ(add(frag(0, 8)).kind, Kind::Held);
  EXPECT_EQ(r_.expire(now_ + 1h, [](const ExpiredDatagram&) {}), 1u);
}

TEST_F(Ipv4ReassemblerTest, NextDeadlineIsTheEarliestOfDatagramsAndTombstones) {
  const auto t0 = now_;
  EXPECT_EQ(r_.next_deadline(), std::nullopt);
  EXPECT_EQ(add(frag(0, 8, true, 1), t0 + 5s).kind, Kind::Held);
  EXPECT_EQ(r_.next_deadline(), t0 + 35s);
  EXPECT_EQ(add(frag(0, 8, true, 2), t0).kind, Kind::Held);  // out of order clock
  EXPECT_EQ(r_.next_deadline(), t0 + 30s);
  EXPECT_EQ(add(frag(0, 16, true, 2), t0 + 6s).reason, Reason::Ipv4FragmentOverlap);
  EXPECT_EQ(r_.next_deadline(), t0 + 30s);  // the tombstone keeps ident 2's deadline
  EXPECT_EQ(r_.expire(t0 + 30s, [](const ExpiredDatagram&) {}), 0u);
  EXPECT_EQ(r_.next_deadline(), t0 + 35s);
  EXPECT_EQ(r_.expire(t0 + 35s, [](const ExpiredDatagram&) {}), 1u);
  EXPECT_EQ(r_.next_deadline(), std::nullopt);
}

// ---- Hostile input
// ------------------------------------------------------------------------------------------

TEST_F(Ipv4ReassemblerTest, RandomHostileFragmentsKeepEveryInvariant) {
  EXPECT_GT(hostile_run(1, 256 * 1024, 16), 0u);
  EXPECT_GT(hostile_run(2, 256 * 1024, 16), 0u);
}

TEST_F(Ipv4ReassemblerSmallCaps, RandomHostileFragmentsKeepEveryInvariant) {
  EXPECT_GT(hostile_run(3, 4000, 2), 0u);
}

}  // namespace
}  // namespace strata::net
