// SPDX-License-Identifier: MIT
// Linux cooked capture headers (pcap link types LINUX_SLL = 113 and LINUX_SLL2 = 276): what `tcpdump -i any`
// writes. Views only: the stack never sends cooked frames.
#pragma once

#include <cstdint>

#include "stack/core/bytes.hpp"
#include "stack/core/result.hpp"

namespace strata::wire {

inline constexpr std::size_t kSllHeaderLen = 16;
inline constexpr std::size_t kSll2HeaderLen = 20;

/// SLL or SLL2, normalised. Invariant: after parse() the header fits in the frame.
class SllView {
 public:
  static core::Result<SllView> parse(core::Bytes frame);   // LINUX_SLL
  static core::Result<SllView> parse2(core::Bytes frame);  // LINUX_SLL2
  std::uint16_t packet_type() const {
    return pkttype_;
  }  // 0 to us, 1 broadcast, 2 multicast, 3 other, 4 outgoing
  std::uint16_t arphrd_type() const { return hatype_; }
  std::uint16_t protocol() const { return protocol_; }  // an EtherType for ARPHRD_ETHER and most others
  std::uint16_t address_len() const { return addr_len_; }
  core::Bytes address() const { return addr_; }               // at most 8 bytes
  std::uint32_t interface_index() const { return ifindex_; }  // SLL2 only
  std::size_t header_len() const { return header_len_; }
  core::Bytes payload() const { return bytes_.subspan(header_len_); }

 private:
  core::Bytes bytes_, addr_;
  std::uint16_t pkttype_ = 0, hatype_ = 0, protocol_ = 0, addr_len_ = 0;
  std::uint32_t ifindex_ = 0;
  std::size_t header_len_ = 0;
};

}  // namespace strata::wire
