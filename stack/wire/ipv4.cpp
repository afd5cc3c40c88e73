// SPDX-License-Identifier: MIT
#include "stack/wire/ipv4.hpp"

#include <algorithm>
#include <cstring>

#include "stack/wire/checksum.hpp"

namespace strata::wire {

void Ipv4Header::emit(core::MutBytes out) const {
  const std::size_t hlen = wire_size();
  const auto b0 = static_cast<std::uint8_t>(0x40 | (hlen / 4));
  const auto flags = static_cast<std::uint16_t>((dont_fragment ? 0x4000 : 0) | (more_fragments ? 0x2000 : 0) |
                                                (frag_offset & 0x1fff));
  core::store_u8(out, 0, b0);
  core::store_u8(out, 1, tos);
  core::store_be16(out, 2, total_length);
  core::store_be16(out, 4, ident);
  core::store_be16(out, 6, flags);
  core::store_u8(out, 8, ttl);
  core::store_u8(out, 9, protocol);
  src.store(out.data() + 12);
  dst.store(out.data() + 16);
  if (!options.empty()) std::memcpy(out.data() + 20, options.data(), options.size());
  // The checksum is summed from the field values, not read back from `out`: loading words just written in
  // byte and 16-bit pieces stalls on store forwarding.
  const std::uint32_t words = (std::uint32_t{b0} << 8 | tos) + total_length + ident + flags +
                              (std::uint32_t{ttl} << 8 | protocol) + (src.value >> 16) +
                              (src.value & 0xffff) + (dst.value >> 16) + (dst.value & 0xffff);
  const std::uint16_t sum = options.empty() ? ones_fold(words) : ones_sum(options, ones_fold(words));
  core::store_be16(out, 10, static_cast<std::uint16_t>(~sum));
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
