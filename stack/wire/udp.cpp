// SPDX-License-Identifier: MIT
#include "stack/wire/udp.hpp"

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {

void UdpHeader::emit_with_checksum(core::MutBytes out, Ipv4Address src, Ipv4Address dst) const {
  emit_with_payload_sum(out, src, dst, ones_sum(out.subspan(kUdpHeaderLen, length - kUdpHeaderLen)));
}

void UdpHeader::emit_with_payload_sum(core::MutBytes out, Ipv4Address src, Ipv4Address dst,
                                      std::uint16_t payload_sum) const {
  core::store_be16(out, 0, src_port);
  core::store_be16(out, 2, dst_port);
  core::store_be16(out, 4, length);
  // The header's words are added from the field values: reading back the header just written in 16-bit
  // pieces would stall on store forwarding.
  const std::uint16_t head =
      ones_fold(std::uint32_t{pseudo_header_sum(src.value, dst.value, ip_proto::kUdp, length)} + src_port +
                dst_port + length);
  const auto c = static_cast<std::uint16_t>(~ones_add(head, payload_sum));
  // RFC 768: a computed zero is sent as all ones (zero means "no checksum").
  core::store_be16(out, 6, c == 0 ? 0xffff : c);
}

}  // namespace strata::wire
