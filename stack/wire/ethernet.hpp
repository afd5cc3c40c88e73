// SPDX-License-Identifier: MIT
// Ethernet II frames with 802.1Q / 802.1ad tags (stacked QinQ): a zero-copy view and a value header.
// Not for: 802.3 length frames with LLC/SNAP (reported as an unsupported type by the link layer).
#pragma once

#include <array>
#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::wire {

namespace ether_type {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kRarp = 0x8035;     // Reverse ARP (RFC 903): ARP's format, opcodes 3 and 4
inline constexpr std::uint16_t kVlan = 0x8100;     // 802.1Q C-tag
inline constexpr std::uint16_t kQinQ = 0x88a8;     // 802.1ad S-tag
inline constexpr std::uint16_t kQinQOld = 0x9100;  // pre-standard S-tag
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr bool is_tag(std::uint16_t t) {
  return t == kVlan || t == kQinQ || t == kQinQOld;
}
}  // namespace ether_type

struct VlanTag {
  std::uint16_t tpid = ether_type::kVlan;  // 0x8100 or 0x88a8
  std::uint8_t pcp = 0;
  bool dei = false;
  std::uint16_t vid = 0;
};

inline constexpr std::size_t kEthernetHeaderLen = 14;
inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::size_t kMaxVlanTags = 4;

/// A parsed Ethernet II header. Invariant: after parse() succeeds, header_len() <= bytes.size() and every
/// accessor stays inside the header.
class EthernetView {
 public:
  /// Errors: LinkTruncated (shorter than the header and its tags), LinkTooManyTags. Inline (as are the other
  /// small view parsers): the layer that calls it gets the view in registers, not through a returned Result.
  static core::Result<EthernetView> parse(core::Bytes frame);

  MacAddress dst() const { return MacAddress::load(bytes_.data()); }
  MacAddress src() const { return MacAddress::load(bytes_.data() + 6); }
  /// dst() as MacAddress::bits(), and its group (broadcast or multicast) bit: read from the frame in place.
  std::uint64_t dst_bits() const { return MacAddress::bits(bytes_.data()); }
  bool dst_is_group() const { return (std::to_integer<std::uint8_t>(bytes_[0]) & 1) != 0; }
  /// The type field right after the source address (0x8100 for a tagged frame).
  std::uint16_t outer_type() const { return core::load_be16(bytes_, 12); }
  /// The type of the payload, after all tags.
  std::uint16_t type() const { return type_; }
  std::size_t tag_count() const { return tags_; }
  VlanTag tag(std::size_t i) const;  // i < tag_count(), outermost first
  std::size_t header_len() const { return kEthernetHeaderLen + tags_ * kVlanTagLen; }
  core::Bytes payload() const { return bytes_.subspan(header_len()); }

 private:
  core::Bytes bytes_;
  std::uint16_t type_ = 0;
  std::uint8_t tags_ = 0;
};

inline core::Result<EthernetView> EthernetView::parse(core::Bytes frame) {
  if (frame.size() < kEthernetHeaderLen) [[unlikely]]
    return core::fail(core::Reason::LinkTruncated);
  EthernetView v;
  v.bytes_ = frame;
  std::size_t off = 12;
  std::uint16_t type = core::load_be16(frame, off);
  while (ether_type::is_tag(type)) [[unlikely]] {
      if (v.tags_ == kMaxVlanTags) return core::fail(core::Reason::LinkTooManyTags);
      if (frame.size() < off + 2 + kVlanTagLen) return core::fail(core::Reason::LinkTruncated);
      ++v.tags_;
      off += kVlanTagLen;
      type = core::load_be16(frame, off);
    }
  v.type_ = type;
  return v;
}

/// The value form, for building frames.
struct EthernetHeader {
  MacAddress dst, src;
  std::uint16_t type = ether_type::kIpv4;
  std::array<VlanTag, kMaxVlanTags> tags{};
  std::uint8_t tag_count = 0;

  std::size_t wire_size() const { return kEthernetHeaderLen + tag_count * kVlanTagLen; }
  /// Writes wire_size() bytes at out.data(). Requires out.size() >= wire_size().
  void emit(core::MutBytes out) const;
  /// Writes an untagged header (kEthernetHeaderLen bytes) from its three fields, without building the value
  /// (its tags): the send path's form. Requires out.size() >= kEthernetHeaderLen.
  static void emit_untagged(core::MutBytes out, const MacAddress& dst, const MacAddress& src,
                            std::uint16_t type) {
    dst.store(out.data());
    src.store(out.data() + 6);
    core::store_be16(out, 12, type);
  }
  static EthernetHeader from(const EthernetView& v);
};

}  // namespace strata::wire
