// SPDX-License-Identifier: MIT
// PcapTap: a NIC middleware that writes both directions of any Nic to a capture file through libpcap, the way
// tcpdump sees an interface. Sends pass through transmit() (written, then handed to the wrapped NIC);
// received frames are written by whoever drives the host, through record_rx(), before it hands them to the
// host. Timestamps are the instants handed in (nanosecond pcap), so a simulated run writes virtual time. Not
// a filter and not a reader: every frame is written whole, in the order the calls come.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "stack/nic/nic.hpp"
#include "stack/nic/pcap_file_nic.hpp"

namespace strata::nic {

class PcapTap final : public Nic {
 public:
  /// Taps `inner` (which must outlive the tap) into `writer`; a null writer makes a pass-through that writes
  /// nothing, so a caller can keep one code path with the capture turned off.
  PcapTap(Nic& inner, std::unique_ptr<PcapWriter> writer) : inner_(inner), writer_(std::move(writer)) {}
  /// Opens `path` for writing with the link type of `inner`. nullptr with `error` set (libpcap's message, or
  /// a link type pcap cannot write) on failure.
  static std::unique_ptr<PcapTap> open(Nic& inner, const std::string& path, std::string& error);

  PcapTap(const PcapTap&) = delete;
  PcapTap& operator=(const PcapTap&) = delete;

  const NicInfo& info() const override { return inner_.info(); }
  /// Writes the frame stamped `now`, then passes it to the wrapped NIC and returns what that says (a frame
  /// the inner NIC drops was still sent by the host, so it stays in the capture, as on a real interface).
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override;
  /// Writes a frame the wrapped NIC received, stamped `now`. Call it before handing the frame to the host.
  void record_rx(core::Bytes frame, core::Instant now);
  /// Pushes what libpcap buffered to the file (it is also flushed when the tap is destroyed).
  void flush();

  Nic& inner() { return inner_; }
  bool writing() const { return writer_ != nullptr; }
  /// Frames written to the capture, both directions (0 without a writer).
  std::uint64_t frames_written() const { return tx_written_ + rx_written_; }
  std::uint64_t tx_written() const { return tx_written_; }
  std::uint64_t rx_written() const { return rx_written_; }

 private:
  Nic& inner_;
  std::unique_ptr<PcapWriter> writer_;
  std::uint64_t tx_written_ = 0;
  std::uint64_t rx_written_ = 0;
};

}  // namespace strata::nic
