// SPDX-License-Identifier: MIT
// TestNic: an in-memory NIC for layer tests (BLUEPRINT §9; gVisor's channel endpoint, smoltcp's
// TestingDevice). It is a nic::Nic (wrapping a nic::QueueNic), so a Host attaches it directly:
//
//   core::BufferPool pool;
//   Host host(core::HostId{1}, HostConfig{}, pool);
//   TestNic nic(mac("02:00:00:00:00:01"));
//   nic.attach(host, InterfaceConfig{cidr("10.0.0.1/24")});   // = host.attach(nic, ...) and remembers the id
//   nic.take_sent();                                           // drop the gratuitous ARP
//   auto outcome = nic.inject(frame, t);                       // = host.handle_frame(nic.id(), frame, t)
//   for (const Frame& f : nic.take_sent()) { auto ip = parse_ipv4(f); ... }
//
// The parse_* helpers return views into a Frame the caller keeps alive (nullopt when the frame is not that).
#pragma once

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "stack/host.hpp"
#include "stack/nic/queue_nic.hpp"
#include "stack/wire/arp.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/udp.hpp"
#include "tests/support/frame_builder.hpp"

namespace strata::test {

class TestNic final : public nic::Nic {
 public:
  explicit TestNic(wire::MacAddress mac, std::uint16_t mtu = 1500, std::string name = "eth0",
                   nic::LinkType link = nic::LinkType::Ethernet, std::size_t capacity = 1024)
      : queue_(nic::NicInfo{std::move(name), mac, mtu, link}, capacity) {}

  const nic::NicInfo& info() const override { return queue_.info(); }
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override {
    ++transmitted_;
    return queue_.transmit(std::move(frame), now);
  }

  /// Attaches to `host` (Host::attach) and remembers the host and the NIC id for inject().
  core::NicId attach(Host& host, InterfaceConfig iface = {}) {
    host_ = &host;
    id_ = host.attach(*this, iface);
    return id_;
  }
  core::NicId id() const { return id_; }
  wire::MacAddress mac() const { return info().mac; }

  /// Hands `frame` to the attached host as received on this NIC at `now`.
  RxOutcome inject(const Frame& frame, core::Instant now, core::RxReport* report = nullptr) {
    if (host_ == nullptr) throw std::logic_error("TestNic::inject before attach");
    return host_->handle_frame(id_, core::Bytes{frame.data(), frame.size()}, now, report);
  }

  /// Every frame sent and not yet taken, oldest first, as copied bytes.
  std::vector<Frame> take_sent() {
    std::vector<Frame> out;
    while (auto p = queue_.take()) {
      const auto b = std::as_const(*p).bytes();
      out.emplace_back(b.begin(), b.end());
    }
    return out;
  }
  /// The oldest frame sent and not yet taken.
  std::optional<Frame> take_one() {
    auto p = queue_.take();
    if (!p) return std::nullopt;
    const auto b = std::as_const(*p).bytes();
    return Frame(b.begin(), b.end());
  }
  std::size_t pending() const { return queue_.pending(); }
  /// Frames handed to transmit() since construction (taken or not, dropped by the queue or not).
  std::uint64_t transmitted() const { return transmitted_; }
  std::uint64_t dropped() const { return queue_.dropped(); }
  nic::QueueNic& queue() { return queue_; }

 private:
  nic::QueueNic queue_;
  Host* host_ = nullptr;
  core::NicId id_{};
  std::uint64_t transmitted_ = 0;
};

// ---- parsing what was sent ------------------------------------------------------------------------------

inline std::optional<wire::EthernetView> parse_eth(const Frame& f) {
  auto v = wire::EthernetView::parse(view(f));
  if (!v) return std::nullopt;
  return *v;
}
/// The network-layer bytes after the Ethernet header (and tags); empty when the frame is not Ethernet.
inline core::Bytes l3_of(const Frame& f) {
  auto e = parse_eth(f);
  return e ? e->payload() : core::Bytes{};
}
inline std::optional<wire::ArpView> parse_arp(const Frame& f) {
  auto e = parse_eth(f);
  if (!e || e->type() != wire::ether_type::kArp) return std::nullopt;
  auto a = wire::ArpView::parse(e->payload());
  if (!a) return std::nullopt;
  return *a;
}
/// The IPv4 datagram of an Ethernet frame (`raw` = true: the frame is a bare IPv4 datagram).
inline std::optional<wire::Ipv4View> parse_ipv4(const Frame& f, bool raw = false) {
  core::Bytes l3 = view(f);
  if (!raw) {
    auto e = parse_eth(f);
    if (!e || e->type() != wire::ether_type::kIpv4) return std::nullopt;
    l3 = e->payload();
  }
  auto v = wire::Ipv4View::parse(l3);
  if (!v) return std::nullopt;
  return *v;
}
/// The UDP header of an unfragmented (or first-fragment) IPv4 frame.
inline std::optional<wire::UdpView> parse_udp(const Frame& f, bool raw = false) {
  auto v = parse_ipv4(f, raw);
  if (!v || v->protocol() != wire::ip_proto::kUdp || v->frag_offset() != 0) return std::nullopt;
  auto u = wire::UdpView::parse(v->payload());
  if (!u) return std::nullopt;
  return *u;
}
inline std::optional<wire::Icmpv4View> parse_icmp(const Frame& f, bool raw = false) {
  auto v = parse_ipv4(f, raw);
  if (!v || v->protocol() != wire::ip_proto::kIcmp || v->frag_offset() != 0) return std::nullopt;
  auto m = wire::Icmpv4View::parse(v->payload());
  if (!m) return std::nullopt;
  return *m;
}
inline std::optional<wire::TcpView> parse_tcp(const Frame& f, bool raw = false) {
  auto v = parse_ipv4(f, raw);
  if (!v || v->protocol() != wire::ip_proto::kTcp || v->frag_offset() != 0) return std::nullopt;
  auto t = wire::TcpView::parse(v->payload());
  if (!t) return std::nullopt;
  return *t;
}

inline bool is_arp(const Frame& f) {
  return parse_arp(f).has_value();
}
inline bool is_arp_request(const Frame& f) {
  auto a = parse_arp(f);
  return a && a->opcode() == static_cast<std::uint16_t>(wire::ArpOp::Request);
}
inline bool is_arp_reply(const Frame& f) {
  auto a = parse_arp(f);
  return a && a->opcode() == static_cast<std::uint16_t>(wire::ArpOp::Reply);
}
inline bool is_icmp(const Frame& f, std::uint8_t type, std::optional<std::uint8_t> code = std::nullopt) {
  auto m = parse_icmp(f);
  return m && m->type() == type && (!code || m->code() == *code);
}

/// Frames of `frames` for which pred is true.
template <class Pred>
std::vector<Frame> filter(const std::vector<Frame>& frames, Pred pred) {
  std::vector<Frame> out;
  for (const auto& f : frames)
    if (pred(f)) out.push_back(f);
  return out;
}

/// Reassembles IPv4 fragments (bare datagrams or Ethernet frames, any order) of one datagram into the whole
/// datagram's payload, checking that they tile it exactly; nullopt on a hole, an overlap or a missing last
/// fragment. Test-side logic, independent of the stack's reassembler.
inline std::optional<Frame> reassemble_payload(const std::vector<Frame>& frames, bool raw = false) {
  struct Piece {
    std::size_t begin;
    core::Bytes data;
    bool more;
  };
  std::vector<Piece> pieces;
  for (const auto& f : frames) {
    auto v = parse_ipv4(f, raw);
    if (!v || !v->checksum_ok()) return std::nullopt;
    pieces.push_back(Piece{std::size_t{v->frag_offset()} * 8, v->payload(), v->more_fragments()});
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.begin < b.begin; });
  Frame out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].begin != out.size()) return std::nullopt;
    if (pieces[i].more != (i + 1 < pieces.size())) return std::nullopt;
    out.insert(out.end(), pieces[i].data.begin(), pieces[i].data.end());
  }
  return out;
}

/// An InterfaceConfig from text: iface("10.0.0.1/24"), iface("10.0.1.1/24", 576), iface("...", {}, false).
inline InterfaceConfig iface(std::string_view addr, std::optional<std::uint16_t> mtu = std::nullopt,
                             bool announce = true) {
  InterfaceConfig c;
  c.addr = cidr(addr);
  c.mtu = mtu;
  c.announce = announce;
  return c;
}

/// A Host with a pool of its own (BufferPool is not copyable and must outlive the Host).
class TestHost {
 public:
  explicit TestHost(HostConfig config = {}, std::size_t small_slots = 1024, std::size_t large_slots = 8,
                    core::HostId id = core::HostId{1})
      : pool_(small_slots, large_slots), host_(id, config, pool_) {}
  Host& operator*() { return host_; }
  Host* operator->() { return &host_; }
  Host& host() { return host_; }
  const Host& host() const { return host_; }
  core::BufferPool& pool() { return pool_; }

 private:
  core::BufferPool pool_;
  Host host_;
};

/// Time helpers: instants from seconds/milliseconds since the epoch of the virtual clock.
inline core::Instant at_ms(std::int64_t ms) {
  return core::Instant(std::chrono::milliseconds(ms));
}
inline core::Instant at_s(std::int64_t s) {
  return core::Instant(std::chrono::seconds(s));
}

}  // namespace strata::test
