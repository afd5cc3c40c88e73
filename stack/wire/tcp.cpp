// SPDX-License-Identifier: MIT
#include "stack/wire/tcp.hpp"

#include <algorithm>

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {

core::Result<TcpOptions> TcpOptions::parse(core::Bytes o) {
  TcpOptions out;
  std::size_t i = 0;
  while (i < o.size()) {
    const std::uint8_t kind = core::load_u8(o, i);
    if (kind == tcp_option::kEol) break;
    if (kind == tcp_option::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= o.size()) return core::fail(core::Reason::TcpTruncatedOptions);
    const std::uint8_t len = core::load_u8(o, i + 1);
    if (len < 2 || i + len > o.size()) return core::fail(core::Reason::TcpTruncatedOptions);
    switch (kind) {
      case tcp_option::kMss:
        if (len != 4) return core::fail(core::Reason::TcpTruncatedOptions);
        out.mss = core::load_be16(o, i + 2);
        break;
      case tcp_option::kWindowScale:
        if (len != 3) return core::fail(core::Reason::TcpTruncatedOptions);
        out.window_scale = core::load_u8(o, i + 2);
        break;
      case tcp_option::kSackPermitted:
        if (len != 2) return core::fail(core::Reason::TcpTruncatedOptions);
        out.sack_permitted = true;
        break;
      case tcp_option::kSack:
        if ((len - 2) % 8 != 0) return core::fail(core::Reason::TcpTruncatedOptions);
        for (std::size_t b = i + 2; b + 8 <= i + len && out.sack_count < out.sack.size(); b += 8)
          out.sack[out.sack_count++] = {core::load_be32(o, b), core::load_be32(o, b + 4)};
        break;
      case tcp_option::kTimestamps:
        if (len != 10) return core::fail(core::Reason::TcpTruncatedOptions);
        out.timestamps = std::pair{core::load_be32(o, i + 2), core::load_be32(o, i + 6)};
        break;
      default:
        break;  // unknown kind: skipped by its length
    }
    i += len;
  }
  return out;
}

namespace {
// Bytes of every option but SACK blocks, unpadded.
std::size_t fixed_options_size(const TcpOptions& o) {
  return (o.mss ? 4 : 0) + (o.window_scale ? 3 : 0) + (o.sack_permitted ? 2 : 0) + (o.timestamps ? 10 : 0);
}
}  // namespace

std::size_t TcpOptions::sack_blocks_that_fit() const {
  // RFC 9293 §3.1: at most 40 bytes of options; with timestamps that leaves room for three SACK blocks
  // (RFC 2018 §3).
  const std::size_t room = kTcpMaxOptionsLen - std::min(kTcpMaxOptionsLen, fixed_options_size(*this));
  if (room < 2 + 8) return 0;
  return std::min<std::size_t>(sack_count, (room - 2) / 8);
}

std::size_t TcpOptions::wire_size() const {
  std::size_t n = fixed_options_size(*this);
  if (const auto blocks = sack_blocks_that_fit()) n += 2 + 8 * blocks;
  return (n + 3) & ~std::size_t{3};
}

void TcpOptions::emit(core::MutBytes out) const {
  std::size_t i = 0;
  if (mss) {
    core::store_u8(out, i, tcp_option::kMss);
    core::store_u8(out, i + 1, 4);
    core::store_be16(out, i + 2, *mss);
    i += 4;
  }
  if (window_scale) {
    core::store_u8(out, i, tcp_option::kWindowScale);
    core::store_u8(out, i + 1, 3);
    core::store_u8(out, i + 2, *window_scale);
    i += 3;
  }
  if (sack_permitted) {
    core::store_u8(out, i, tcp_option::kSackPermitted);
    core::store_u8(out, i + 1, 2);
    i += 2;
  }
  if (timestamps) {
    core::store_u8(out, i, tcp_option::kTimestamps);
    core::store_u8(out, i + 1, 10);
    core::store_be32(out, i + 2, timestamps->first);
    core::store_be32(out, i + 6, timestamps->second);
    i += 10;
  }
  if (const auto blocks = sack_blocks_that_fit()) {
    core::store_u8(out, i, tcp_option::kSack);
    core::store_u8(out, i + 1, static_cast<std::uint8_t>(2 + 8 * blocks));
    i += 2;
    for (std::size_t b = 0; b < blocks; ++b, i += 8) {
      core::store_be32(out, i, sack[b].left);
      core::store_be32(out, i + 4, sack[b].right);
    }
  }
  const std::size_t end = wire_size();
  for (; i < end; ++i) core::store_u8(out, i, i + 1 == end ? tcp_option::kEol : tcp_option::kNop);
}

core::Result<TcpView> TcpView::parse(core::Bytes b) {
  if (b.size() < kTcpMinHeaderLen) return core::fail(core::Reason::TcpTruncated);
  const std::size_t hlen = (core::load_u8(b, 12) >> 4) * 4u;
  if (hlen < kTcpMinHeaderLen) return core::fail(core::Reason::TcpBadHeaderLength);
  if (hlen > b.size()) return core::fail(core::Reason::TcpBadHeaderLength);
  TcpView v;
  v.b_ = b;
  return v;
}

bool TcpView::checksum_ok(Ipv4Address src, Ipv4Address dst) const {
  const auto pseudo =
      pseudo_header_sum(src.value, dst.value, ip_proto::kTcp, static_cast<std::uint16_t>(b_.size()));
  return ones_sum(b_, pseudo) == 0xffff;
}

void TcpHeader::emit(core::MutBytes out) const {
  const std::size_t hlen = wire_size();
  core::store_be16(out, 0, src_port);
  core::store_be16(out, 2, dst_port);
  core::store_be32(out, 4, seq);
  core::store_be32(out, 8, ack);
  core::store_be16(out, 12, static_cast<std::uint16_t>((hlen / 4) << 12 | (flags & 0x0fff)));
  core::store_be16(out, 14, window);
  core::store_be16(out, 16, 0);
  core::store_be16(out, 18, urgent);
  options.emit(out.subspan(kTcpMinHeaderLen, hlen - kTcpMinHeaderLen));
}

void TcpHeader::set_checksum(core::MutBytes seg, Ipv4Address src, Ipv4Address dst) {
  core::store_be16(seg, 16, 0);
  const auto pseudo =
      pseudo_header_sum(src.value, dst.value, ip_proto::kTcp, static_cast<std::uint16_t>(seg.size()));
  core::store_be16(seg, 16, internet_checksum(seg, pseudo));
}

}  // namespace strata::wire
