// SPDX-License-Identifier: MIT
#include "stack/wire/ethernet.hpp"

namespace strata::wire {

VlanTag EthernetView::tag(std::size_t i) const {
  const std::size_t off = 12 + i * kVlanTagLen;
  const std::uint16_t tci = core::load_be16(bytes_, off + 2);
  return VlanTag{core::load_be16(bytes_, off), static_cast<std::uint8_t>(tci >> 13), (tci & 0x1000) != 0,
                 static_cast<std::uint16_t>(tci & 0x0fff)};
}

void EthernetHeader::emit(core::MutBytes out) const {
  dst.store(out.data());
  src.store(out.data() + 6);
  std::size_t off = 12;
  for (std::size_t i = 0; i < tag_count; ++i) {
    const auto& t = tags[i];
    core::store_be16(out, off, t.tpid);
    core::store_be16(out, off + 2,
                     static_cast<std::uint16_t>((t.pcp & 7) << 13 | (t.dei ? 0x1000 : 0) | (t.vid & 0x0fff)));
    off += kVlanTagLen;
  }
  core::store_be16(out, off, type);
}

EthernetHeader EthernetHeader::from(const EthernetView& v) {
  EthernetHeader h;
  h.dst = v.dst();
  h.src = v.src();
  h.type = v.type();
  h.tag_count = static_cast<std::uint8_t>(v.tag_count());
  for (std::size_t i = 0; i < v.tag_count(); ++i) h.tags[i] = v.tag(i);
  return h;
}

}  // namespace strata::wire
