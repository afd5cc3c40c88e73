// SPDX-License-Identifier: MIT
// The device boundary. A Nic takes frames the stack sends (transmit) and is read by whoever drives the stack,
// who hands received frames to Host::handle_frame. Implementations: QueueNic (memory), PcapFileNic (capture
// files through libpcap); simulated links and live NICs come later. Only stack/nic/ may do I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stack/core/packet_buf.hpp"
#include "stack/core/result.hpp"
#include "stack/core/time.hpp"
#include "stack/wire/addresses.hpp"

namespace strata::nic {

/// What the frames on this NIC start with (pcap link types EN10MB, LINUX_SLL, LINUX_SLL2, RAW).
enum class LinkType : std::uint8_t {
  Ethernet,
  LinuxSll,
  LinuxSll2,
  RawIpv4,
  BsdLoopback,
  Ppp,
  CiscoHdlc,
  Unsupported
};

constexpr std::string_view name(LinkType t) {
  constexpr std::string_view names[] = {"ethernet",     "linux-sll", "linux-sll2", "raw-ipv4",
                                        "bsd-loopback", "ppp",       "cisco-hdlc", "unsupported"};
  return names[static_cast<int>(t)];
}

struct NicInfo {
  std::string name = "eth0";
  wire::MacAddress mac;
  std::uint16_t mtu = 1500;  // IP bytes per frame
  LinkType link = LinkType::Ethernet;
};

class Nic {
 public:
  virtual ~Nic() = default;
  virtual const NicInfo& info() const = 0;
  /// Takes ownership of one whole frame. Never delivers into a stack within the call (BLUEPRINT rule 4).
  virtual core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) = 0;
};

}  // namespace strata::nic
