// SPDX-License-Identifier: MIT
// The link layer of a host: one entry per attached NIC, receive demux by EtherType through a registration
// table (a new network protocol is one register_protocol call), and the send path that prepends the Ethernet
// header in the packet's headroom. Linux cooked (SLL/SLL2) and raw IPv4 NICs share the same table.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "stack/core/stack_context.hpp"
#include "stack/link/l3_handler.hpp"
#include "stack/nic/nic.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/link_headers.hpp"

namespace strata::link {

class EthernetLayer {
 public:
  explicit EthernetLayer(core::StackContext& ctx) : ctx_(ctx) {}

  core::NicId attach(nic::Nic& nic);
  void register_protocol(std::uint16_t ether_type, L3Handler& handler);
  /// Accept frames for any destination MAC (replay, sniffing).
  void set_promiscuous(bool on) { promiscuous_ = on; }

  /// A frame arrives from NIC frame.nic; it goes up to the handler registered for its type.
  void receive(core::RxFrame& frame) {
    if (nics_[frame.nic.value].link == nic::LinkType::Ethernet) [[likely]]
      return receive_ethernet(frame);
    receive_other_link(frame);
  }
  /// Prepends the Ethernet header (none on raw-IP NICs) and hands the frame to the NIC. `dst` by reference:
  /// a 6-byte MAC passed by value is stored in two pieces and reloaded as one word (a failed store-to-load
  /// forward on every frame sent); it is read before the NIC is called.
  core::Result<void> send(core::NicId nic, const wire::MacAddress& dst, std::uint16_t type,
                          core::PacketBuf&& packet, core::Instant now);

  std::size_t nic_count() const { return nics_.size(); }
  nic::Nic& nic(core::NicId id) { return *nics_[id.value].nic; }
  const nic::NicInfo& info(core::NicId id) const { return nics_[id.value].nic->info(); }
  /// The NIC's link type and MAC as copied at attach: the per-packet paths read these, not info().
  nic::LinkType link_type(core::NicId id) const { return nics_[id.value].link; }
  const wire::MacAddress& mac(core::NicId id) const { return nics_[id.value].mac; }

 private:
  /// send() for the other frames: other link types, drops, and tracing.
  [[gnu::noinline]] core::Result<void> send_other(core::NicId nic, const wire::MacAddress& dst,
                                                  std::uint16_t type, core::PacketBuf&& packet,
                                                  core::Instant now);
  void receive_ethernet(core::RxFrame& frame);
  /// receive_ethernet() for the other Ethernet frames: tagged, group-addressed, for another MAC, of an
  /// unregistered type, cut short, reported or traced.
  [[gnu::noinline]] void receive_ethernet_general(core::RxFrame& frame);
  void receive_other_link(core::RxFrame& frame);
  void receive_cooked(core::RxFrame& frame, bool v2);
  void receive_other(core::RxFrame& frame, core::Result<wire::LinkPayload> (*parse)(core::Bytes));
  void dispatch(core::RxFrame& frame, LinkHeader link, std::size_t offset);
  L3Handler* handler_for(std::uint16_t type) const {
    for (const auto& [t, h] : table_)
      if (t == type) return h;
    return nullptr;
  }

  core::StackContext& ctx_;
  struct Attached {
    nic::Nic* nic;
    wire::MacAddress mac;  // copied at attach: both paths read them per frame without a virtual call
    nic::LinkType link;
    std::uint64_t mac_word;  // mac as first_six_word() gives it: the fast path's test is one load and compare
  };
  std::vector<Attached> nics_;
  std::vector<std::pair<std::uint16_t, L3Handler*>> table_;
  bool promiscuous_ = false;
};

}  // namespace strata::link
