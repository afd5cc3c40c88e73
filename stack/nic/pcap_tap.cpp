// SPDX-License-Identifier: MIT
#include "stack/nic/pcap_tap.hpp"

namespace strata::nic {

std::unique_ptr<PcapTap> PcapTap::open(Nic& inner, const std::string& path, std::string& error) {
  auto writer = PcapWriter::open(path, error, inner.info().link);
  if (!writer) return nullptr;
  return std::make_unique<PcapTap>(inner, std::move(writer));
}

core::Result<void> PcapTap::transmit(core::PacketBuf&& frame, core::Instant now) {
  // Written before the hand-over: the inner NIC takes the buffer.
  if (writer_) {
    writer_->write(frame.bytes(), now);
    ++tx_written_;
  }
  return inner_.transmit(std::move(frame), now);
}

void PcapTap::record_rx(core::Bytes frame, core::Instant now) {
  if (!writer_) return;
  writer_->write(frame, now);
  ++rx_written_;
}

void PcapTap::flush() {
  if (writer_) writer_->flush();
}

}  // namespace strata::nic
