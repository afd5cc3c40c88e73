// SPDX-License-Identifier: MIT
#include "stack/transport/tcp/tcp_layer.hpp"

#include "stack/core/rx_report.hpp"
#include "stack/transport/transport_report.hpp"
#include "stack/wire/tcp.hpp"

namespace strata::transport {

using core::Counter;
using core::Layer;
using core::Reason;

void TcpLayer::receive(core::RxFrame& f, wire::Ipv4View ip) {
  const auto seg = ip.payload();
  ctx_.enter(f, Layer::Tcp, Counter::TcpRx, seg);
  // Reported before the header is validated: Wireshark shows the fields of a header it then finds bad (a data
  // offset under 5, a header cut short by the IP length).
  if (f.report) [[unlikely]]
    report(f, net::ReportedSegment::of(ip));
  auto tcp = wire::TcpView::parse(seg);
  if (!tcp) return ctx_.drop(f, Layer::Tcp, tcp.error());
  auto opts = wire::TcpOptions::parse(tcp->options());
  if (!tcp->checksum_ok(ip.src(), ip.dst())) return ctx_.drop(f, Layer::Tcp, Reason::TcpBadChecksum);
  if (!opts) return ctx_.drop(f, Layer::Tcp, opts.error());
  f.marks.payload = static_cast<std::uint16_t>(f.marks.transport + tcp->header_len());
  if (config_.accept_unbound) return;
  // RFC 9293 §3.10.7.1 asks for a RST here; it comes with connections (the TCP issue).
  ctx_.drop(f, Layer::Tcp, Reason::TcpNoSocket);
}

void TcpLayer::receive_error(core::RxFrame&, const net::IcmpErrorInfo&) {
  // Nothing to act on without connections. A reporter was shown the quoted header through report().
}

void TcpLayer::report(core::RxFrame& f, const net::ReportedSegment& s) {
  report_tcp(*f.report, s.bytes, s.length, s.src, s.dst, source_of(s));
}

}  // namespace strata::transport
