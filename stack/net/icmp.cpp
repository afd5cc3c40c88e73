// SPDX-License-Identifier: MIT
#include "stack/net/icmp.hpp"

#include <algorithm>
#include <cstring>

#include "stack/core/rx_report.hpp"
#include "stack/net/ipv4_layer.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"

namespace strata::net {

using core::Counter;
using core::Layer;
using core::Reason;

Icmp::Icmp(core::StackContext& ctx, Ipv4Layer& ipv4, IcmpConfig config)
    : ctx_(ctx),
      ipv4_(ipv4),
      config_(config),
      tokens_(config.error_burst),
      replies_(config.max_echo_replies) {}

void Icmp::receive(core::RxFrame& f, wire::Ipv4View ip) {
  const auto body = ip.payload();
  ctx_.enter(f, Layer::Icmp, Counter::IcmpRx, body);
  if (f.report) [[unlikely]]
    report(f, ReportedSegment::of(ip));
  auto msg = wire::Icmpv4View::parse(body);
  if (!msg) return ctx_.drop(f, Layer::Icmp, msg.error());
  if (!msg->checksum_ok()) return ctx_.drop(f, Layer::Icmp, Reason::IcmpBadChecksum);

  const auto type = msg->type();
  if (type == wire::icmp_type::kEchoRequest) {
    ctx_.counters.inc(Counter::IcmpEchoRequestRx);
    // RFC 1122 §3.2.2.6: reply to unicast echo requests addressed to us, with the same data. Unicast means
    // one of our interface addresses: is_local() also takes a subnet-directed broadcast (10.0.0.255), which
    // must not become the reply's source (RFC 1122 §3.2.1.3).
    if (!config_.answer_echo || !ipv4_.is_our_address(ip.dst())) return;
    auto p = ctx_.pool.allocate(body.size());
    if (!p) return ctx_.drop(f, Layer::Icmp, Reason::NicNoBuffer);
    p->id = ctx_.new_packet_id();
    auto out = p->append(body.size());
    std::memcpy(out.data(), body.data(), body.size());
    wire::Icmpv4Header h{wire::icmp_type::kEchoReply, 0, core::load_be32(body, 4)};
    h.emit_with_checksum(out);
    p->set_mark(&core::LayerMarks::transport);
    ctx_.sent(f.now, Layer::Icmp, Counter::IcmpTx, *p);
    ctx_.counters.inc(Counter::IcmpEchoReplyTx);
    Ipv4SendParams sp;
    sp.src = ip.dst();
    sp.dst = ip.src();
    sp.protocol = wire::ip_proto::kIcmp;
    sp.ttl = ipv4_.config().default_ttl;
    (void)ipv4_.send(sp, std::move(*p), f.now);
    return;
  }
  if (type == wire::icmp_type::kEchoReply) {
    ctx_.counters.inc(Counter::IcmpEchoReplyRx);
    if (echo_handler_ != nullptr && echo_handler_->receive_echo_reply(f, ip, *msg)) return;
    if (replies_.full()) (void)replies_.pop();  // the oldest reply makes room
    replies_.push(EchoReply{ip.src(), msg->echo_id(), msg->echo_seq(), body.size() - wire::kIcmpHeaderLen,
                            ip.ttl(), f.now});
    return;
  }
  if (wire::icmp_type::is_error(type)) {
    ctx_.counters.inc(type == wire::icmp_type::kTimeExceeded ? Counter::IcmpTimeExceededRx
                                                             : Counter::IcmpUnreachableRx);
    auto quoted = wire::Ipv4View::parse(msg->body());
    if (!quoted) return ctx_.drop(f, Layer::Icmp, Reason::IcmpBadQuote);
    IcmpErrorInfo info{type, msg->code(), msg->next_hop_mtu(), *quoted, quoted->payload()};
    f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + wire::kIcmpHeaderLen);
    ipv4_.deliver_error(f, info);
    return;
  }
  // Other types (timestamps, router adverts): seen, nothing to do.
}

void Icmp::receive_error(core::RxFrame& f, const IcmpErrorInfo& e) {
  // RFC 1122 §3.2.2.6 leaves echo errors to the pinger; only an error quoting an echo request can be its.
  if (echo_handler_ == nullptr || e.quoted_l4.empty()) return;
  if (core::load_u8(e.quoted_l4, 0) != wire::icmp_type::kEchoRequest) return;
  echo_handler_->receive_echo_error(f, e);
}

void Icmp::report(core::RxFrame& f, const ReportedSegment& s) {
  const auto body = s.bytes;
  // Wireshark shows no ICMP field of a message shorter than type, code and checksum. An ICMP message quoted
  // by an error adds nothing: icmp.* are the outer message's (the first occurrence).
  if (body.size() < 4 || s.icmp_quote) return;
  const std::uint8_t type = core::load_u8(body, 0);
  f.report->has |= core::RxReport::kIcmp;
  f.report->icmp_type = type;
  f.report->icmp_code = core::load_u8(body, 1);
  // An error's quoted datagram: Wireshark shows its transport header whatever this message's checksum or the
  // outer IPv4 header's says, so it is reported here (delivered or dropped alike), not by receive_error.
  if (wire::icmp_type::is_error(type) && body.size() > wire::kIcmpHeaderLen)
    ipv4_.report_quote(f, body.subspan(wire::kIcmpHeaderLen));
}

bool Icmp::take_token(core::Instant now) {
  const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  tokens_ =
      std::min<double>(config_.error_burst, tokens_ + std::max(0.0, elapsed) * config_.errors_per_second);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool Icmp::send_error(std::uint8_t type, std::uint8_t code, const wire::Ipv4View& offending,
                      core::Instant now, std::uint16_t mtu) {
  if (!config_.send_errors) return false;
  // RFC 1122 §3.2.2: never about an ICMP error, a non-first fragment, a broadcast/multicast datagram, or a
  // datagram whose source does not name one host.
  if (offending.frag_offset() != 0) return false;
  const auto dst = offending.dst(), src = offending.src();
  if (dst.is_broadcast() || dst.is_multicast() || src.is_any() || src.is_broadcast() || src.is_multicast())
    return false;
  // A subnet-directed broadcast of one of our interfaces (10.0.0.255 on 10.0.0.0/24) is a broadcast too.
  if (ipv4_.is_directed_broadcast(dst)) return false;
  const auto data = offending.payload();
  if (offending.protocol() == wire::ip_proto::kIcmp && !data.empty() &&
      wire::icmp_type::is_error(core::load_u8(data, 0)))
    return false;
  if (!take_token(now)) {
    ctx_.drop_tx(now, Layer::Icmp, Reason::IcmpRateLimited);
    return false;
  }
  // RFC 792: the offending header plus the first 64 bits of its data.
  const auto header = offending.header();
  const std::size_t quoted = header.size() + std::min<std::size_t>(8, data.size());
  auto p = ctx_.pool.allocate(wire::kIcmpHeaderLen + quoted);
  if (!p) {
    ctx_.drop_tx(now, Layer::Icmp, Reason::NicNoBuffer);
    return false;
  }
  p->id = ctx_.new_packet_id();
  auto out = p->append(wire::kIcmpHeaderLen + quoted);
  std::memcpy(out.data() + wire::kIcmpHeaderLen, header.data(), header.size());
  std::memcpy(out.data() + wire::kIcmpHeaderLen + header.size(), data.data(), quoted - header.size());
  wire::Icmpv4Header h{type, code, mtu};
  h.emit_with_checksum(out);
  p->set_mark(&core::LayerMarks::transport);
  ctx_.sent(now, Layer::Icmp, Counter::IcmpTx, *p);
  ctx_.counters.inc(type == wire::icmp_type::kTimeExceeded ? Counter::IcmpTimeExceededTx
                                                           : Counter::IcmpUnreachableTx);
  Ipv4SendParams sp;
  sp.dst = src;
  sp.protocol = wire::ip_proto::kIcmp;
  sp.ttl = ipv4_.config().default_ttl;
  // Reply from the address the offending datagram was sent to when it is ours (RFC 1812 §4.3.2.4 is looser).
  if (ipv4_.is_local(dst)) sp.src = dst;
  return ipv4_.send(sp, std::move(*p), now).ok();
}

core::Result<void> Icmp::send_echo_request(wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                                           std::size_t data_len, core::Instant now) {
  auto p = ctx_.pool.allocate(wire::kIcmpHeaderLen + data_len);
  if (!p) return core::fail(Reason::NicNoBuffer);
  p->id = ctx_.new_packet_id();
  auto out = p->append(wire::kIcmpHeaderLen + data_len);
  for (std::size_t i = 0; i < data_len; ++i) out[wire::kIcmpHeaderLen + i] = std::byte(i & 0xff);
  wire::Icmpv4Header h{wire::icmp_type::kEchoRequest, 0, (std::uint32_t{id} << 16) | seq};
  h.emit_with_checksum(out);
  p->set_mark(&core::LayerMarks::transport);
  ctx_.sent(now, Layer::Icmp, Counter::IcmpTx, *p);
  Ipv4SendParams sp;
  sp.dst = dst;
  sp.protocol = wire::ip_proto::kIcmp;
  sp.ttl = ipv4_.config().default_ttl;
  return ipv4_.send(sp, std::move(*p), now);
}

std::optional<EchoReply> Icmp::pop_echo_reply() {
  return replies_.pop();
}

}  // namespace strata::net
