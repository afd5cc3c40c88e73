// SPDX-License-Identifier: MIT
#include "stack/wire/icmpv4.hpp"

#include "stack/wire/checksum.hpp"

namespace strata::wire {

core::Result<Icmpv4View> Icmpv4View::parse(core::Bytes b) {
  if (b.size() < kIcmpHeaderLen) return core::fail(core::Reason::IcmpTruncated);
  Icmpv4View v;
  v.b_ = b;
  return v;
}

bool Icmpv4View::checksum_ok() const {
  return ones_sum(b_) == 0xffff;
}

void Icmpv4Header::emit_with_checksum(core::MutBytes out) const {
  core::store_u8(out, 0, type);
  core::store_u8(out, 1, code);
  core::store_be32(out, 4, rest);
  // The header's words from the field values, the body from memory: reading back the header just written in
  // pieces would stall on store forwarding.
  const std::uint16_t head = ones_fold((std::uint32_t{type} << 8 | code) + (rest >> 16) + (rest & 0xffff));
  core::store_be16(out, 2, internet_checksum(out.subspan(kIcmpHeaderLen), head));
}

}  // namespace strata::wire
