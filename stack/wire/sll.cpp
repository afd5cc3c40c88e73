// SPDX-License-Identifier: MIT
#include "stack/wire/sll.hpp"

#include <algorithm>

namespace strata::wire {

core::Result<SllView> SllView::parse(core::Bytes f) {
  if (f.size() < kSllHeaderLen) return core::fail(core::Reason::LinkTruncated);
  SllView v;
  v.bytes_ = f;
  v.pkttype_ = core::load_be16(f, 0);
  v.hatype_ = core::load_be16(f, 2);
  v.addr_len_ = core::load_be16(f, 4);
  v.addr_ = f.subspan(6, std::min<std::size_t>(v.addr_len_, 8));
  v.protocol_ = core::load_be16(f, 14);
  v.header_len_ = kSllHeaderLen;
  return v;
}

core::Result<SllView> SllView::parse2(core::Bytes f) {
  if (f.size() < kSll2HeaderLen) return core::fail(core::Reason::LinkTruncated);
  SllView v;
  v.bytes_ = f;
  v.protocol_ = core::load_be16(f, 0);
  v.ifindex_ = core::load_be32(f, 4);
  v.hatype_ = core::load_be16(f, 8);
  v.pkttype_ = core::load_u8(f, 10);
  v.addr_len_ = core::load_u8(f, 11);
  v.addr_ = f.subspan(12, std::min<std::size_t>(v.addr_len_, 8));
  v.header_len_ = kSll2HeaderLen;
  return v;
}

}  // namespace strata::wire
