// SPDX-License-Identifier: MIT
#include "stack/wire/ipv4.hpp"

#include <algorithm>
#include <cstring>

#include "stack/wire/checksum.hpp"

namespace strata::wire {

std::uint16_t Ipv4Header::emit_options(core::MutBytes out) const {
  std::memcpy(out.data() + kIpv4MinHeaderLen, options.data(), options.size());
  return ones_sum(options);
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
