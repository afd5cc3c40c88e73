// SPDX-License-Identifier: MIT
#include "stack/wire/ipv4.hpp"

#include <algorithm>
#include <cstring>

#include "stack/wire/checksum.hpp"

namespace strata::wire {

void Ipv4Header::emit(core::MutBytes out) const {
  const std::size_t hlen = wire_size();
  core::store_u8(out, 0, static_cast<std::uint8_t>(0x40 | (hlen / 4)));
  core::store_u8(out, 1, tos);
  core::store_be16(out, 2, total_length);
  core::store_be16(out, 4, ident);
  core::store_be16(out, 6,
                   static_cast<std::uint16_t>((dont_fragment ? 0x4000 : 0) | (more_fragments ? 0x2000 : 0) |
                                              (frag_offset & 0x1fff)));
  core::store_u8(out, 8, ttl);
  core::store_u8(out, 9, protocol);
  core::store_be16(out, 10, 0);
  src.store(out.data() + 12);
  dst.store(out.data() + 16);
  if (!options.empty()) std::memcpy(out.data() + 20, options.data(), options.size());
  core::store_be16(out, 10, internet_checksum(out.first(hlen)));
}

Ipv4Header Ipv4Header::from(const Ipv4View& v) {
  Ipv4Header h;
  h.tos = v.tos();
  h.total_length = v.total_length();
  h.ident = v.ident();
  h.dont_fragment = v.dont_fragment();
  h.more_fragments = v.more_fragments();
  h.frag_offset = v.frag_offset();
  h.ttl = v.ttl();
  h.protocol = v.protocol();
  h.src = v.src();
  h.dst = v.dst();
  h.options = v.options();
  return h;
}

}  // namespace strata::wire
