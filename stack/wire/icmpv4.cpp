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

bool Icmpv4View::checksum_ok() const { return ones_sum(b_) == 0xffff; }

void Icmpv4Header::emit_with_checksum(core::MutBytes out) const {
  core::store_u8(out, 0, type);
  core::store_u8(out, 1, code);
  core::store_be16(out, 2, 0);
  core::store_be32(out, 4, rest);
  core::store_be16(out, 2, internet_checksum(out));
}

}  // namespace strata::wire
