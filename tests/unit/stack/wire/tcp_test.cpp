// SPDX-License-Identifier: MIT
// TcpView / TcpOptions / TcpHeader: RFC 9293 headers, RFC 7323 / RFC 2018 options.
#include "stack/wire/tcp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"
#include "tests/support/bytes.hpp"

namespace strata::wire {
namespace {

using core::Reason;
using test::copy;
using test::mut;
using test::to_vec;
using test::view;

// dns_tcp.pcap frame 1, the TCP segment: a Linux SYN 192.168.1.11:33779 -> 209.87.249.18:53, seq 603899916,
// window 64240, checksum 0x0c41 (good); options mss 1460, sackOK, TS val 2044906138 ecr 0, nop, wscale 7.
constexpr std::uint8_t kSyn[] = {
    0x83, 0xf3, 0x00, 0x35, 0x23, 0xfe, 0xc8, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
    0xfa, 0xf0, 0x0c, 0x41, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x79, 0xe2, 0xca, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
constexpr Ipv4Address kSynSrc = Ipv4Address::from_octets(192, 168, 1, 11);
constexpr Ipv4Address kSynDst = Ipv4Address::from_octets(209, 87, 249, 18);

// ssh.pcap frame 48, the TCP segment: ACK 223.132.53.222:22 -> 202.108.87.165:62146 with 14 NOPs and one SACK
// block [4082238970, 4082238971).
constexpr std::uint8_t kSackAck[] = {
    0x00, 0x16, 0xf2, 0xc2, 0x92, 0x57, 0xb8, 0x36, 0xf3, 0x52, 0x05, 0x9a, 0xb0, 0x10, 0x01,
    0x54, 0xe1, 0xf3, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x05, 0x0a, 0xf3, 0x52, 0x05, 0xfa, 0xf3, 0x52, 0x05, 0xfb,
};
constexpr Ipv4Address kSackSrc = Ipv4Address::from_octets(223, 132, 53, 222);
constexpr Ipv4Address kSackDst = Ipv4Address::from_octets(202, 108, 87, 165);

// mptcp-v1.pcap frame 1, the TCP options of a SYN: mss 1460, sackOK, TS val 464494241 ecr 0, nop,
// wscale 8, then MPTCP (kind 30, length 4), which strata does not implement.
constexpr std::uint8_t kMptcpSynOptions[] = {
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x1b, 0xaf, 0x9e, 0xa1,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x08, 0x1e, 0x04, 0x01, 0x01,
};

// bgp_notification_rr_msg_error.pcap frame 1, the TCP segment: PSH|ACK 1.1.1.1:179 -> 2.2.2.2:12732, no
// options, 23 bytes of BGP (odd length), checksum 0xc0d7 (good).
constexpr std::uint8_t kDataSegment[] = {
    0x00, 0xb3, 0x31, 0xbc, 0xbe, 0x77, 0xf6, 0xda, 0xa0, 0xb6, 0x6b, 0x70, 0x50, 0x18, 0x3f,
    0xd3, 0xc0, 0xd7, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x17, 0x03, 0x07, 0x01, 0xfe, 0xb0,
};
constexpr Ipv4Address kDataSrc = Ipv4Address::from_octets(1, 1, 1, 1);
constexpr Ipv4Address kDataDst = Ipv4Address::from_octets(2, 2, 2, 2);

core::Result<TcpOptions> parse_options(const std::vector<std::uint8_t>& o) {
  return TcpOptions::parse(view(o));
}

// ---- TcpView ----

TEST(TcpView, ParsesKnownPacket) {
  auto tcp = TcpView::parse(view(kSyn));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->src_port(), 33779);
  EXPECT_EQ(tcp->dst_port(), 53);
  EXPECT_EQ(tcp->seq(), 603899916u);
  EXPECT_EQ(tcp->ack(), 0u);
  EXPECT_EQ(tcp->header_len(), 40);
  EXPECT_EQ(tcp->flags(), tcp_flag::kSyn);
  EXPECT_TRUE(tcp->has(tcp_flag::kSyn));
  EXPECT_FALSE(tcp->has(tcp_flag::kAck));
  EXPECT_EQ(tcp->window(), 64240);
  EXPECT_EQ(tcp->checksum(), 0x0c41);
  EXPECT_EQ(tcp->urgent(), 0);
  EXPECT_EQ(tcp->options().size(), 20u);
  EXPECT_EQ(tcp->options().data(), view(kSyn).data() + 20);
  EXPECT_TRUE(tcp->payload().empty());
  EXPECT_EQ(tcp->bytes().size(), sizeof kSyn);
  EXPECT_TRUE(tcp->checksum_ok(kSynSrc, kSynDst));
}

TEST(TcpView, ParsesOptionsOfLinuxSyn) {
  auto tcp = TcpView::parse(view(kSyn));
  ASSERT_TRUE(tcp.ok());
  auto opts = TcpOptions::parse(tcp->options());
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mss, 1460);
  EXPECT_TRUE(opts->sack_permitted);
  ASSERT_TRUE(opts->timestamps.has_value());
  EXPECT_EQ(opts->timestamps->first, 2044906138u);
  EXPECT_EQ(opts->timestamps->second, 0u);
  EXPECT_EQ(opts->window_scale, 7);
  EXPECT_EQ(opts->sack_count, 0);
}

TEST(TcpView, ParsesKnownSegmentWithPayload) {
  auto tcp = TcpView::parse(view(kDataSegment));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->header_len(), 20);
  EXPECT_EQ(tcp->flags(), tcp_flag::kPsh | tcp_flag::kAck);
  EXPECT_EQ(tcp->seq(), 0xbe77f6dau);
  EXPECT_EQ(tcp->ack(), 0xa0b66b70u);
  EXPECT_TRUE(tcp->options().empty());
  EXPECT_EQ(tcp->payload().size(), 23u);
  EXPECT_TRUE(tcp->checksum_ok(kDataSrc, kDataDst));
}

TEST(TcpView, ChecksumOkFailsOnCorruptionOrWrongAddresses) {
  auto p = copy(kDataSegment);
  p.back() ^= 0x01;
  EXPECT_FALSE(TcpView::parse(view(p))->checksum_ok(kDataSrc, kDataDst));
  EXPECT_FALSE(
      TcpView::parse(view(kDataSegment))->checksum_ok(kDataSrc, Ipv4Address::from_octets(2, 2, 2, 3)));
}

TEST(TcpView, ExposesAllTwelveFlagBits) {
  auto p = copy(kSyn);
  p[12] = 0xaf;  // data offset 10, reserved 111, AE 1
  p[13] = 0xff;  // CWR ECE URG ACK PSH RST SYN FIN
  auto tcp = TcpView::parse(view(p));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->header_len(), 40);
  EXPECT_EQ(tcp->flags(), 0x0fff);
  for (std::uint16_t f : {tcp_flag::kFin, tcp_flag::kSyn, tcp_flag::kRst, tcp_flag::kPsh, tcp_flag::kAck,
                          tcp_flag::kUrg, tcp_flag::kEce, tcp_flag::kCwr, tcp_flag::kAe})
    EXPECT_TRUE(tcp->has(f)) << f;

  p[12] = 0xa1;  // AE only
  p[13] = 0x00;
  EXPECT_EQ(TcpView::parse(view(p))->flags(), tcp_flag::kAe);
}

TEST(TcpView, AcceptsSixtyByteHeader) {
  std::vector<std::uint8_t> seg(60, tcp_option::kNop);
  std::copy(std::begin(kSyn), std::begin(kSyn) + 20, seg.begin());
  seg[12] = 0xf0;
  auto tcp = TcpView::parse(view(seg));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->header_len(), 60);
  EXPECT_EQ(tcp->options().size(), kTcpMaxOptionsLen);
  EXPECT_TRUE(tcp->payload().empty());
  EXPECT_TRUE(TcpOptions::parse(tcp->options()).ok());
}

TEST(TcpView, RejectsSegmentShorterThanTwentyBytesAsTruncated) {
  for (std::size_t n : {0u, 1u, 12u, 19u}) {
    auto tcp = TcpView::parse(view(kSyn).first(n));
    ASSERT_FALSE(tcp.ok()) << n;
    EXPECT_EQ(tcp.error(), Reason::TcpTruncated) << n;
  }
}

TEST(TcpView, RejectsDataOffsetBelowFiveAsBadHeaderLength) {
  for (std::uint8_t doff = 0; doff < 5; ++doff) {
    auto p = copy(kSyn);
    p[12] = static_cast<std::uint8_t>(doff << 4);
    auto tcp = TcpView::parse(view(p));
    ASSERT_FALSE(tcp.ok()) << int{doff};
    EXPECT_EQ(tcp.error(), Reason::TcpBadHeaderLength) << int{doff};
  }
}

TEST(TcpView, RejectsDataOffsetBeyondSegmentAsBadHeaderLength) {
  // The SYN says 40 bytes of header; cut it anywhere from 20 to 39 bytes.
  for (std::size_t n = 20; n < sizeof kSyn; ++n) {
    auto tcp = TcpView::parse(view(kSyn).first(n));
    ASSERT_FALSE(tcp.ok()) << n;
    EXPECT_EQ(tcp.error(), Reason::TcpBadHeaderLength) << n;
  }
  auto p = copy(kDataSegment);
  p[12] = 0xf0;  // 60 bytes of header in a 43-byte segment
  EXPECT_EQ(TcpView::parse(view(p)).error(), Reason::TcpBadHeaderLength);
}

// ---- TcpOptions ----

TEST(TcpOptions, EmptyOptionsParseToDefaults) {
  auto opts = TcpOptions::parse({});
  ASSERT_TRUE(opts.ok());
  EXPECT_FALSE(opts->mss.has_value());
  EXPECT_FALSE(opts->window_scale.has_value());
  EXPECT_FALSE(opts->sack_permitted);
  EXPECT_EQ(opts->sack_count, 0);
  EXPECT_FALSE(opts->timestamps.has_value());
}

TEST(TcpOptions, ParsesSackBlockOfKnownSegment) {
  auto tcp = TcpView::parse(view(kSackAck));
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->flags(), tcp_flag::kAck);
  EXPECT_TRUE(tcp->checksum_ok(kSackSrc, kSackDst));
  auto opts = TcpOptions::parse(tcp->options());
  ASSERT_TRUE(opts.ok());
  ASSERT_EQ(opts->sack_count, 1);
  EXPECT_EQ(opts->sack[0].left, 4082238970u);
  EXPECT_EQ(opts->sack[0].right, 4082238971u);
  EXPECT_FALSE(opts->timestamps.has_value());
}

TEST(TcpOptions, ParsesOneToFourSackBlocks) {
  for (std::uint8_t n = 1; n <= 4; ++n) {
    std::vector<std::uint8_t> o = {tcp_option::kNop, tcp_option::kNop, tcp_option::kSack,
                                   static_cast<std::uint8_t>(2 + 8 * n)};
    for (std::uint8_t b = 0; b < n; ++b)
      o.insert(o.end(), {0x10, 0x00, 0x00, static_cast<std::uint8_t>(b * 0x10), 0x10, 0x00, 0x00,
                         static_cast<std::uint8_t>(b * 0x10 + 8)});
    auto opts = parse_options(o);
    ASSERT_TRUE(opts.ok()) << int{n};
    ASSERT_EQ(opts->sack_count, n);
    for (std::uint8_t b = 0; b < n; ++b) {
      EXPECT_EQ(opts->sack[b].left, 0x10000000u + b * 0x10u);
      EXPECT_EQ(opts->sack[b].right, 0x10000000u + b * 0x10u + 8);
    }
  }
}

TEST(TcpOptions, KeepsAtMostFourSackBlocks) {
  std::vector<std::uint8_t> o = {tcp_option::kSack, 2 + 8 * 5};
  for (std::uint8_t b = 0; b < 5; ++b)
    o.insert(o.end(), {0, 0, 0, b, 0, 0, 0, static_cast<std::uint8_t>(b + 1)});
  auto opts = parse_options(o);
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->sack_count, 4);
  EXPECT_EQ(opts->sack[3].left, 3u);
}

TEST(TcpOptions, SkipsUnknownOptionKindByItsLength) {
  auto opts = TcpOptions::parse(view(kMptcpSynOptions));
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mss, 1460);
  EXPECT_TRUE(opts->sack_permitted);
  ASSERT_TRUE(opts->timestamps.has_value());
  EXPECT_EQ(opts->timestamps->first, 464494241u);
  EXPECT_EQ(opts->window_scale, 8);
}

TEST(TcpOptions, ReadsOptionsThatFollowAnUnknownOne) {
  // An unknown kind 0xfd (RFC 4727 experiment) of length 6 before the MSS: the MSS is found after it.
  auto opts = parse_options({0xfd, 0x06, 0xaa, 0xbb, 0xcc, 0xdd, 0x02, 0x04, 0x02, 0x18});
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mss, 536);
}

TEST(TcpOptions, RejectsOptionWithoutLengthByte) {
  for (auto o : {std::vector<std::uint8_t>{tcp_option::kMss},
                 std::vector<std::uint8_t>{tcp_option::kNop, tcp_option::kNop, tcp_option::kNop,
                                           tcp_option::kTimestamps},
                 std::vector<std::uint8_t>{0x1e}}) {
    auto opts = parse_options(o);
    ASSERT_FALSE(opts.ok());
    EXPECT_EQ(opts.error(), Reason::TcpTruncatedOptions);
  }
}

TEST(TcpOptions, RejectsOptionLengthBelowTwo) {
  // Length 0 or 1 would make no progress (or step into the option itself); both are malformed.
  for (std::uint8_t len : {0, 1}) {
    for (std::uint8_t kind : {tcp_option::kMss, tcp_option::kSack, std::uint8_t{0x1e}}) {
      auto opts = parse_options({kind, len, 0x00, 0x00});
      ASSERT_FALSE(opts.ok()) << int{kind} << "/" << int{len};
      EXPECT_EQ(opts.error(), Reason::TcpTruncatedOptions);
    }
  }
}

TEST(TcpOptions, RejectsOptionRunningPastTheEnd) {
  auto opts = parse_options({tcp_option::kTimestamps, 10, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06});
  ASSERT_FALSE(opts.ok());
  EXPECT_EQ(opts.error(), Reason::TcpTruncatedOptions);
  // The real Linux SYN options, cut inside the timestamps.
  auto cut = TcpOptions::parse(view(kSyn).subspan(20, 12));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error(), Reason::TcpTruncatedOptions);
  EXPECT_EQ(parse_options({0xfd, 0x08, 0x00, 0x00}).error(),
            Reason::TcpTruncatedOptions);  // unknown kind too
}

TEST(TcpOptions, RejectsMssWithLengthThree) {
  auto opts = parse_options({tcp_option::kMss, 3, 0x05, tcp_option::kNop});
  ASSERT_FALSE(opts.ok());
  EXPECT_EQ(opts.error(), Reason::TcpTruncatedOptions);
}

TEST(TcpOptions, RejectsKnownOptionsWithWrongLength) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      {tcp_option::kWindowScale, 4, 7, 0},
      {tcp_option::kWindowScale, 2, 0, 0},
      {tcp_option::kSackPermitted, 3, 0, 0},
      {tcp_option::kTimestamps, 8, 0, 0, 0, 0, 0, 0},
      {tcp_option::kSack, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},  // not 2 + 8n
      {tcp_option::kMss, 6, 0x05, 0xb4, 0, 0},
  };
  for (const auto& o : bad) {
    auto opts = parse_options(o);
    ASSERT_FALSE(opts.ok()) << int{o[0]} << "/" << int{o[1]};
    EXPECT_EQ(opts.error(), Reason::TcpTruncatedOptions);
  }
}

TEST(TcpOptions, EndOfOptionListStopsParsing) {
  // After EOL the rest is padding, even if it would not parse as options.
  auto opts =
      parse_options({tcp_option::kMss, 4, 0x05, 0xb4, tcp_option::kEol, tcp_option::kWindowScale, 1, 0xff});
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mss, 1460);
  EXPECT_FALSE(opts->window_scale.has_value());

  auto only_eol = parse_options({tcp_option::kEol, tcp_option::kMss, 4, 0x05, 0xb4});
  ASSERT_TRUE(only_eol.ok());
  EXPECT_FALSE(only_eol->mss.has_value());
}

TEST(TcpOptions, WireSizeIsPaddedToFourBytes) {
  TcpOptions o;
  EXPECT_EQ(o.wire_size(), 0u);
  o.window_scale = 7;
  EXPECT_EQ(o.wire_size(), 4u);
  o.mss = 1460;
  EXPECT_EQ(o.wire_size(), 8u);
  o.sack_permitted = true;
  o.timestamps = std::pair{1u, 2u};
  EXPECT_EQ(o.wire_size(), 20u);  // 4 + 3 + 2 + 10 = 19, padded

  TcpOptions s;
  s.sack_count = 3;
  s.timestamps = std::pair{1u, 2u};
  EXPECT_EQ(s.wire_size(), 36u);  // 10 + 26
}

TEST(TcpOptions, EmitPadsWithNopsAndEndsWithEol) {
  TcpOptions o;
  o.window_scale = 7;
  std::vector<std::uint8_t> out(o.wire_size(), 0xee);
  o.emit(mut(out));
  EXPECT_EQ(out, (std::vector<std::uint8_t>{tcp_option::kWindowScale, 3, 7, tcp_option::kEol}));

  TcpOptions two;
  two.sack_permitted = true;
  out.assign(two.wire_size(), 0xee);
  two.emit(mut(out));
  EXPECT_EQ(out,
            (std::vector<std::uint8_t>{tcp_option::kSackPermitted, 2, tcp_option::kNop, tcp_option::kEol}));
}

TEST(TcpOptions, RoundTripsEveryOption) {
  TcpOptions o;
  o.mss = 8960;
  o.window_scale = 14;
  o.sack_permitted = true;
  o.timestamps = std::pair{0xdeadbeefu, 0x01020304u};
  std::vector<std::uint8_t> out(o.wire_size());
  o.emit(mut(out));
  auto back = parse_options(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->mss, o.mss);
  EXPECT_EQ(back->window_scale, o.window_scale);
  EXPECT_EQ(back->sack_permitted, o.sack_permitted);
  EXPECT_EQ(back->timestamps, o.timestamps);
  EXPECT_EQ(back->sack_count, 0);
}

// ---- TcpHeader ----

TEST(TcpHeader, EmitsIdenticalBytes) {
  auto tcp = TcpView::parse(view(kDataSegment));
  ASSERT_TRUE(tcp.ok());
  TcpHeader h;
  h.src_port = tcp->src_port();
  h.dst_port = tcp->dst_port();
  h.seq = tcp->seq();
  h.ack = tcp->ack();
  h.flags = tcp->flags();
  h.window = tcp->window();
  h.urgent = tcp->urgent();
  ASSERT_EQ(h.wire_size(), 20u);

  auto out = copy(kDataSegment);
  std::fill(out.begin(), out.begin() + 20, 0xee);
  h.emit(mut(out));
  EXPECT_EQ(out[16], 0);  // checksum left zero
  EXPECT_EQ(out[17], 0);
  TcpHeader::set_checksum(mut(out), kDataSrc, kDataDst);
  EXPECT_EQ(out, copy(kDataSegment));
}

TEST(TcpHeader, SetChecksumReproducesKnownChecksum) {
  auto seg = copy(kSyn);
  seg[16] = 0xaa;  // set_checksum ignores what is there
  seg[17] = 0x55;
  TcpHeader::set_checksum(mut(seg), kSynSrc, kSynDst);
  EXPECT_EQ(seg, copy(kSyn));
}

TEST(TcpHeader, RoundTripsWithOptionsThroughParse) {
  TcpHeader h;
  h.src_port = 49152;
  h.dst_port = 443;
  h.seq = 0xfffffff0;
  h.ack = 0x12345678;
  h.flags = tcp_flag::kSyn | tcp_flag::kAck | tcp_flag::kEce;
  h.window = 65535;
  h.urgent = 0;
  h.options.mss = 1460;
  h.options.window_scale = 7;
  h.options.sack_permitted = true;
  h.options.timestamps = std::pair{2044906138u, 77u};
  const std::uint8_t payload[] = {'h', 'e', 'l', 'l', 'o'};

  std::vector<std::uint8_t> seg(h.wire_size() + sizeof payload);
  h.emit(mut(seg));
  std::copy(std::begin(payload), std::end(payload), seg.begin() + static_cast<std::ptrdiff_t>(h.wire_size()));
  const auto src = *Ipv4Address::parse("10.0.0.1"), dst = *Ipv4Address::parse("10.0.0.2");
  TcpHeader::set_checksum(mut(seg), src, dst);

  auto tcp = TcpView::parse(view(seg));
  ASSERT_TRUE(tcp.ok());
  EXPECT_TRUE(tcp->checksum_ok(src, dst));
  EXPECT_EQ(tcp->src_port(), h.src_port);
  EXPECT_EQ(tcp->dst_port(), h.dst_port);
  EXPECT_EQ(tcp->seq(), h.seq);
  EXPECT_EQ(tcp->ack(), h.ack);
  EXPECT_EQ(tcp->flags(), h.flags);
  EXPECT_EQ(tcp->window(), h.window);
  EXPECT_EQ(tcp->urgent(), h.urgent);
  EXPECT_EQ(tcp->header_len(), h.wire_size());
  EXPECT_EQ(to_vec(tcp->payload()), std::vector<std::uint8_t>(std::begin(payload), std::end(payload)));
  auto opts = TcpOptions::parse(tcp->options());
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->mss, h.options.mss);
  EXPECT_EQ(opts->window_scale, h.options.window_scale);
  EXPECT_EQ(opts->sack_permitted, h.options.sack_permitted);
  EXPECT_EQ(opts->timestamps, h.options.timestamps);
}

TEST(TcpHeader, RoundTripsSackBlocksThroughParse) {
  for (std::uint8_t n = 1; n <= 3; ++n) {  // 3 blocks + timestamps = 36 bytes of options, the usual maximum
    TcpHeader h;
    h.flags = tcp_flag::kAck;
    h.options.timestamps = std::pair{1u, 2u};
    h.options.sack_count = n;
    for (std::uint8_t b = 0; b < n; ++b) h.options.sack[b] = {1000u * (b + 1), 1000u * (b + 1) + 500};
    std::vector<std::uint8_t> seg(h.wire_size());
    h.emit(mut(seg));
    auto tcp = TcpView::parse(view(seg));
    ASSERT_TRUE(tcp.ok());
    auto opts = TcpOptions::parse(tcp->options());
    ASSERT_TRUE(opts.ok());
    ASSERT_EQ(opts->sack_count, n);
    for (std::uint8_t b = 0; b < n; ++b) {
      EXPECT_EQ(opts->sack[b].left, h.options.sack[b].left);
      EXPECT_EQ(opts->sack[b].right, h.options.sack[b].right);
    }
    EXPECT_EQ(opts->timestamps, h.options.timestamps);
  }
}

TEST(TcpHeader, SetChecksumThenChecksumOkOnOddLengthSegment) {
  TcpHeader h;
  h.src_port = 1;
  h.dst_port = 2;
  h.flags = tcp_flag::kPsh | tcp_flag::kAck;
  std::vector<std::uint8_t> seg(20 + 7, 0x7b);
  h.emit(mut(seg));
  const auto src = *Ipv4Address::parse("172.16.0.1"), dst = *Ipv4Address::parse("172.16.0.2");
  TcpHeader::set_checksum(mut(seg), src, dst);
  auto tcp = TcpView::parse(view(seg));
  ASSERT_TRUE(tcp.ok());
  EXPECT_TRUE(tcp->checksum_ok(src, dst));
  EXPECT_EQ(ones_sum_scalar(view(seg), pseudo_header_sum(src.value, dst.value, ip_proto::kTcp, 27)), 0xffff);
}

}  // namespace
}  // namespace strata::wire

namespace strata::wire {
namespace {
TEST(TcpOptions, SackBlocksBesideTimestampsAreCutToFitFortyBytes) {
  TcpOptions o;
  o.timestamps = std::pair{1u, 2u};
  o.sack_count = 4;
  for (std::uint32_t i = 0; i < 4; ++i) o.sack[i] = {i * 100, i * 100 + 50};
  EXPECT_EQ(o.sack_blocks_that_fit(), 3u);
  EXPECT_LE(o.wire_size(), kTcpMaxOptionsLen);
  TcpHeader h;
  h.options = o;
  std::vector<std::byte> buf(h.wire_size());
  h.emit(buf);
  auto v = TcpView::parse(buf);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->header_len(), h.wire_size());
  auto back = TcpOptions::parse(v->options());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sack_count, 3);
  EXPECT_TRUE(back->timestamps.has_value());
}
}  // namespace
}  // namespace strata::wire
