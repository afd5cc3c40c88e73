// SPDX-License-Identifier: MIT
#include "sim/step/recorder.hpp"

#include <algorithm>
#include <cstring>

namespace strata::sim::step {

void Recorder::on_event(const core::TraceEvent& e) {
  if (events_.size() >= limits_.max_events) {
    ++overflow_;
    return;
  }
  RecordedEvent r;
  r.time = e.time;
  r.host = e.host;
  r.layer = e.layer;
  r.dir = e.dir;
  r.kind = e.kind;
  r.reason = e.reason;
  r.packet = e.packet;
  r.nic = e.nic;
  r.marks = e.marks;
  r.bytes_seen = e.bytes.size();
  const std::size_t room = limits_.max_bytes > arena_.size() ? limits_.max_bytes - arena_.size() : 0;
  r.bytes_kept = std::min(e.bytes.size(), room);
  r.bytes_offset = arena_.size();
  if (r.bytes_kept != 0) {
    arena_.resize(arena_.size() + r.bytes_kept);
    std::memcpy(arena_.data() + r.bytes_offset, e.bytes.data(), r.bytes_kept);
  }
  if (e.call != nullptr) {
    r.has_call = true;
    r.call.call.assign(e.call->call);
    r.call.fd = e.call->fd;
    r.call.result = e.call->result;
    r.call.addr = e.call->addr;
    r.call.port = e.call->port;
  }
  events_.push_back(std::move(r));
}

void Recorder::clear() {
  events_.clear();  // capacity kept: no allocation per engine event once warmed up
  arena_.clear();
  overflow_ = 0;
}

void Recorder::set_host_name(core::HostId id, std::string name) {
  if (names_.size() <= id.value) names_.resize(id.value + 1);
  name_width_ = std::max(name_width_, name.size());
  names_[id.value] = std::move(name);
}

std::string_view Recorder::host_name(core::HostId id) const {
  if (id.value < names_.size() && !names_[id.value].empty()) return names_[id.value];
  return "?";
}

wire::FirstHeader first_header(const RecordedEvent& e, core::Bytes bytes) {
  using core::Layer;
  using wire::FirstHeader;
  auto by_layer = [&](Layer l) {
    switch (l) {
      case Layer::Nic:
      case Layer::Link:
        return FirstHeader::Ethernet;
      case Layer::Arp:
        return FirstHeader::Arp;
      case Layer::Ipv4:
        return FirstHeader::Ipv4;
      case Layer::Icmp:
        return FirstHeader::Icmp;
      case Layer::Udp:
        return FirstHeader::Udp;
      case Layer::Tcp:
        return FirstHeader::Tcp;
      case Layer::Socket:
        return FirstHeader::Payload;
    }
    return FirstHeader::Payload;
  };
  constexpr auto kNone = core::LayerMarks::kNone;
  const bool ipv4_first = !bytes.empty() && (static_cast<std::uint8_t>(bytes[0]) >> 4) == 4;
  if (e.dir == core::Dir::Rx && e.kind != core::TraceKind::Drop) {
    // The receiving layer hands out its own header onward; a socket queue the payload.
    return by_layer(e.layer);
  }
  // Sends, drops and queues: the marks are relative to the bytes handed out; the first mark at 0 says where
  // they start.
  if (e.marks.link == 0) return FirstHeader::Ethernet;
  if (e.marks.net == 0) return e.layer == Layer::Arp && !ipv4_first ? FirstHeader::Arp : FirstHeader::Ipv4;
  if (e.marks.transport == 0) return by_layer(e.layer);
  if (e.marks.link == kNone && e.marks.net == kNone && e.marks.transport == kNone) return by_layer(e.layer);
  return by_layer(e.layer);
}

}  // namespace strata::sim::step
