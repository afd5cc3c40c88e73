// SPDX-License-Identifier: MIT
#include "stack/transport/tcp/tcp_layer.hpp"

#include "stack/core/rx_report.hpp"
#include "stack/wire/tcp.hpp"

namespace strata::transport {

using core::Counter;
using core::Layer;
using core::Reason;

namespace {
void report_header(core::RxReport& r, const wire::TcpView& tcp, std::size_t segment_len) {
  r.has |= core::RxReport::kTcp;
  r.tcp_sport = tcp.src_port();
  r.tcp_dport = tcp.dst_port();
  r.tcp_seq = tcp.seq();
  r.tcp_ack = tcp.ack();
  r.tcp_flags = tcp.flags();
  r.tcp_window = tcp.window();
  r.tcp_hdr_len = tcp.header_len();
  r.tcp_len = static_cast<std::uint32_t>(segment_len - tcp.header_len());
  r.tcp_check = core::RxReport::kUnverified;
}
}  // namespace

net::Disposition TcpLayer::receive(core::RxFrame& f, const wire::Ipv4View& ip) {
  const auto seg = ip.payload();
  ctx_.enter(f, Layer::Tcp, Counter::TcpRx, seg);
  auto tcp = wire::TcpView::parse(seg);
  if (!tcp) return ctx_.drop(f, Layer::Tcp, tcp.error()), net::Disposition::Handled;
  core::RxReport* r = f.report;
  if (r) [[unlikely]]
    report_header(*r, *tcp, seg.size());
  auto opts = wire::TcpOptions::parse(tcp->options());
  if (r && opts) [[unlikely]] {
    if (opts->mss) r->has |= core::RxReport::kTcpMss, r->tcp_mss = *opts->mss;
    if (opts->window_scale) r->has |= core::RxReport::kTcpWscale, r->tcp_wscale = *opts->window_scale;
    if (opts->sack_permitted) r->has |= core::RxReport::kTcpSackPerm;
  }
  const bool ok = tcp->checksum_ok(ip.src(), ip.dst());
  if (r) [[unlikely]] r->tcp_check = ok ? core::RxReport::kGood : core::RxReport::kBad;
  if (!ok) return ctx_.drop(f, Layer::Tcp, Reason::TcpBadChecksum), net::Disposition::Handled;
  if (!opts) return ctx_.drop(f, Layer::Tcp, opts.error()), net::Disposition::Handled;
  f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + tcp->header_len());
  if (config_.accept_unbound) return net::Disposition::Handled;
  // RFC 9293 §3.10.7.1 asks for a RST here; it comes with connections (the TCP issue).
  ctx_.drop(f, Layer::Tcp, Reason::TcpNoSocket);
  return net::Disposition::Handled;
}

void TcpLayer::receive_error(core::RxFrame& f, const net::IcmpErrorInfo& e) {
  if (e.quoted_l4.size() < 8) return;
  if (auto* r = f.report) [[unlikely]] {
    r->has |= core::RxReport::kTcp;
    r->tcp_sport = core::load_be16(e.quoted_l4, 0);
    r->tcp_dport = core::load_be16(e.quoted_l4, 2);
    r->tcp_seq = core::load_be32(e.quoted_l4, 4);
    r->tcp_check = core::RxReport::kUnverified;
  }
}

}  // namespace strata::transport
