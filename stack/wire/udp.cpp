// SPDX-License-Identifier: MIT
#include "stack/wire/udp.hpp"

#include "stack/wire/checksum.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::wire {

void UdpHeader::emit_with_checksum(core::MutBytes out, Ipv4Address src, Ipv4Address dst) const {
  emit_with_payload_sum(out, src, dst, ones_sum(out.subspan(kUdpHeaderLen, length - kUdpHeaderLen)));
}

}  // namespace strata::wire
