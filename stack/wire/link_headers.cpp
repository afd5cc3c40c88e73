// SPDX-License-Identifier: MIT
#include "stack/wire/link_headers.hpp"

#include "stack/wire/ethernet.hpp"

namespace strata::wire {

namespace {
std::uint16_t from_address_family(std::uint32_t af) {
  if (af == 2) return ether_type::kIpv4;                                       // AF_INET everywhere
  if (af == 10 || af == 24 || af == 28 || af == 30) return ether_type::kIpv6;  // Linux, BSDs, Darwin
  return 0;
}
}  // namespace

core::Result<LinkPayload> parse_bsd_loopback(core::Bytes f) {
  if (f.size() < 4) return core::fail(core::Reason::LinkTruncated);
  const std::uint32_t be = core::load_be32(f, 0);
  std::uint16_t type = from_address_family(be);
  if (type == 0) type = from_address_family(core::bswap32(be));
  return LinkPayload{type, 4};
}

core::Result<LinkPayload> parse_ppp(core::Bytes f) {
  std::size_t off = 0;
  if (f.size() >= 2 && core::load_u8(f, 0) == 0xff && core::load_u8(f, 1) == 0x03) off = 2;
  if (f.size() < off + 1) return core::fail(core::Reason::LinkTruncated);
  // RFC 1661 §2: protocol field compression leaves one byte when its low bit is set.
  std::uint16_t proto = core::load_u8(f, off);
  std::size_t len = 1;
  if ((proto & 1) == 0) {
    if (f.size() < off + 2) return core::fail(core::Reason::LinkTruncated);
    proto = core::load_be16(f, off);
    len = 2;
  }
  std::uint16_t type = 0;
  if (proto == 0x0021) type = ether_type::kIpv4;
  if (proto == 0x0057) type = ether_type::kIpv6;
  return LinkPayload{type, off + len};
}

core::Result<LinkPayload> parse_cisco_hdlc(core::Bytes f) {
  if (f.size() < 4) return core::fail(core::Reason::LinkTruncated);
  return LinkPayload{core::load_be16(f, 2), 4};
}

}  // namespace strata::wire
