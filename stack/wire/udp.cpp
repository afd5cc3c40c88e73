// SPDX-License-Identifier: MIT
#include "stack/wire/udp.hpp"

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {

core::Result<UdpView> UdpView::parse(core::Bytes b) {
  if (b.size() < kUdpHeaderLen) return core::fail(core::Reason::UdpTruncated);
  UdpView v;
  v.b_ = b;
  return v;
}

core::Result<void> UdpView::check_length(std::size_t ip_payload_len) const {
  if (length() < kUdpHeaderLen || length() > ip_payload_len) return core::fail(core::Reason::UdpBadLength);
  if (length() > b_.size()) return core::fail(core::Reason::UdpTruncated);
  return {};
}

bool UdpView::checksum_ok(Ipv4Address src, Ipv4Address dst) const {
  const auto pseudo = pseudo_header_sum(src.value, dst.value, ip_proto::kUdp, length());
  return ones_sum(b_.first(length()), pseudo) == 0xffff;
}

void UdpHeader::emit_with_checksum(core::MutBytes out, Ipv4Address src, Ipv4Address dst) const {
  core::store_be16(out, 0, src_port);
  core::store_be16(out, 2, dst_port);
  core::store_be16(out, 4, length);
  core::store_be16(out, 6, 0);
  std::uint16_t c = internet_checksum(out.first(length), pseudo_header_sum(src.value, dst.value, ip_proto::kUdp, length));
  // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
  core::store_be16(out, 6, c == 0 ? 0xffff : c);
}

}  // namespace strata::wire
