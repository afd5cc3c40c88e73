// SPDX-License-Identifier: MIT
// Per-host counters named `layer.event` (`ipv4.rx`, `udp.tx`, `arp.request_tx`) plus one drop counter per
// Reason, named `layer.drop.reason` (`ipv4.drop.bad_checksum`). A flat array: counting is one increment.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stack/core/reason.hpp"

namespace strata::core {

enum class Counter : std::uint8_t {
  NicRx,
  NicTx,
  LinkRx,
  LinkTx,
  ArpRx,
  ArpTx,
  ArpRequestRx,
  ArpReplyRx,
  ArpRequestTx,
  ArpReplyTx,
  ArpGratuitousTx,
  ArpRetry,
  ArpQueued,
  ArpExpired,
  Ipv4Rx,
  Ipv4Tx,
  Ipv4Delivered,
  Ipv4Forwarded,
  Ipv4FragmentRx,
  Ipv4Reassembled,
  Ipv4FragmentTx,
  Ipv4Fragmented,
  IcmpRx,
  IcmpTx,
  IcmpEchoRequestRx,
  IcmpEchoReplyRx,
  IcmpEchoReplyTx,
  IcmpUnreachableRx,
  IcmpUnreachableTx,
  IcmpTimeExceededRx,
  IcmpTimeExceededTx,
  UdpRx,
  UdpTx,
  UdpDelivered,
  TcpRx,
  TcpTx,
  TcpDelivered,
  SocketCall,
  kCount
};

inline constexpr std::array<std::pair<Counter, std::string_view>, static_cast<std::size_t>(Counter::kCount)>
    kCounterNames{{
        {Counter::NicRx, "nic.rx"},
        {Counter::NicTx, "nic.tx"},
        {Counter::LinkRx, "link.rx"},
        {Counter::LinkTx, "link.tx"},
        {Counter::ArpRx, "arp.rx"},
        {Counter::ArpTx, "arp.tx"},
        {Counter::ArpRequestRx, "arp.request_rx"},
        {Counter::ArpReplyRx, "arp.reply_rx"},
        {Counter::ArpRequestTx, "arp.request_tx"},
        {Counter::ArpReplyTx, "arp.reply_tx"},
        {Counter::ArpGratuitousTx, "arp.gratuitous_tx"},
        {Counter::ArpRetry, "arp.retry"},
        {Counter::ArpQueued, "arp.queued"},
        {Counter::ArpExpired, "arp.expired"},
        {Counter::Ipv4Rx, "ipv4.rx"},
        {Counter::Ipv4Tx, "ipv4.tx"},
        {Counter::Ipv4Delivered, "ipv4.delivered"},
        {Counter::Ipv4Forwarded, "ipv4.forwarded"},
        {Counter::Ipv4FragmentRx, "ipv4.fragment_rx"},
        {Counter::Ipv4Reassembled, "ipv4.reassembled"},
        {Counter::Ipv4FragmentTx, "ipv4.fragment_tx"},
        {Counter::Ipv4Fragmented, "ipv4.fragmented"},
        {Counter::IcmpRx, "icmp.rx"},
        {Counter::IcmpTx, "icmp.tx"},
        {Counter::IcmpEchoRequestRx, "icmp.echo_request_rx"},
        {Counter::IcmpEchoReplyRx, "icmp.echo_reply_rx"},
        {Counter::IcmpEchoReplyTx, "icmp.echo_reply_tx"},
        {Counter::IcmpUnreachableRx, "icmp.unreachable_rx"},
        {Counter::IcmpUnreachableTx, "icmp.unreachable_tx"},
        {Counter::IcmpTimeExceededRx, "icmp.time_exceeded_rx"},
        {Counter::IcmpTimeExceededTx, "icmp.time_exceeded_tx"},
        {Counter::UdpRx, "udp.rx"},
        {Counter::UdpTx, "udp.tx"},
        {Counter::UdpDelivered, "udp.delivered"},
        {Counter::TcpRx, "tcp.rx"},
        {Counter::TcpTx, "tcp.tx"},
        {Counter::TcpDelivered, "tcp.delivered"},
        {Counter::SocketCall, "socket.call"},
    }};

class Counters {
 public:
  void inc(Counter c, std::uint64_t n = 1) { events_[static_cast<std::size_t>(c)] += n; }
  void drop(Reason r) { ++drops_[static_cast<std::size_t>(r)]; }
  std::uint64_t get(Counter c) const { return events_[static_cast<std::size_t>(c)]; }
  std::uint64_t drops(Reason r) const { return drops_[static_cast<std::size_t>(r)]; }
  void add(const Counters& other);

  /// Looks a counter up by its name ("ipv4.rx" or "ipv4.drop.bad_checksum"); 0 for unknown names.
  std::uint64_t get(std::string_view name) const;
  /// Every non-zero counter as (name, value), events first then drops, in table order.
  std::vector<std::pair<std::string, std::uint64_t>> nonzero() const;

  static std::string drop_counter_name(Reason r);

 private:
  std::array<std::uint64_t, static_cast<std::size_t>(Counter::kCount)> events_{};
  std::array<std::uint64_t, static_cast<std::size_t>(Reason::kCount)> drops_{};
};

constexpr std::string_view name(Counter c) {
  return kCounterNames[static_cast<std::size_t>(c)].second;
}

}  // namespace strata::core
