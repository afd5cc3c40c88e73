// SPDX-License-Identifier: MIT
#include "sim/replay/replay_runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "sim/replay/json_fields.hpp"
#include "sim/replay/read_ahead.hpp"
#include "stack/host.hpp"
#include "stack/nic/pcap_file_nic.hpp"

namespace strata::sim {

namespace {

constexpr std::size_t kFlushAt = 1 << 16;
// Below this, starting a read-ahead thread costs more than the page faults it would take off this thread.
constexpr std::size_t kReadAheadFrom = 8u << 20;

/// The per-packet line of the default (human) output: what each layer made of it.
void append_human(std::string& out, const FrameInfo& fr, const core::RxReport& r, const RxOutcome& o,
                  core::Instant first) {
  using R = core::RxReport;
  const double t = std::chrono::duration<double>(fr.time - first).count();
  out += fmt::format("{:>6} {:>11.6f} {:>5}B ", fr.number, t, fr.wire_len);
  auto ip = [](std::uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  };
  if (r.has & R::kEth) out += fmt::format("eth {:04x}", r.eth_type);
  if (r.has & R::kSllType) out += fmt::format("sll {:04x}", r.sll_etype);
  if (r.link == R::kRaw) out += "raw";
  if (r.has & R::kAd) out += fmt::format(" 802.1ad {}", r.ad_id);
  if (r.has & R::kVlan) out += fmt::format(" vlan {}", r.vlan_id);
  if (r.has & R::kArpIpv4)
    out += fmt::format(" | arp {} {} -> {}",
                       r.arp_opcode == 1 ? "who-has" : (r.arp_opcode == 2 ? "reply" : "op?"), ip(r.arp_spa),
                       ip(r.arp_tpa));
  if ((r.has & R::kIpSrc) && (r.has & R::kIpDst)) {
    out += fmt::format(" | ipv4 {} -> {} ttl {} id {}", ip(r.ip_src), ip(r.ip_dst), r.ip_ttl, r.ip_id);
    if (r.ip_mf || r.ip_frag_offset)
      out += fmt::format(" frag@{}{}", r.ip_frag_offset * 8, r.ip_mf ? "+" : "");
  }
  if (r.has & R::kIcmp) out += fmt::format(" | icmp {}/{}", r.icmp_type, r.icmp_code);
  if (r.has & R::kUdp) out += fmt::format(" | udp {} -> {} len {}", r.udp_sport, r.udp_dport, r.udp_length);
  if (r.has & R::kTcp) {
    static constexpr std::array<std::pair<std::uint16_t, char>, 6> kFlags{
        {{0x02, 'S'}, {0x10, '.'}, {0x01, 'F'}, {0x04, 'R'}, {0x08, 'P'}, {0x20, 'U'}}};
    std::string flags;
    for (auto [bit, c] : kFlags)
      if (r.tcp_flags & bit) flags += c;
    out += fmt::format(" | tcp {} -> {} [{}] seq {} len {}", r.tcp_sport, r.tcp_dport, flags, r.tcp_seq,
                       r.tcp_len);
  }
  out += fmt::format("  => {} at {}", core::name(o.verdict), core::name(o.layer));
  if (o.verdict == core::Verdict::Drop) out += fmt::format(" ({})", core::name(o.reason));
  out += '\n';
}

struct Progress {
  bool on = false;
  long long total = 0;
  int last_percent = -1;
  void update(long long pos, std::FILE* err) {
    if (!on || total <= 0) return;
    const int pct = static_cast<int>(pos * 100 / total);
    if (pct == last_percent) return;
    last_percent = pct;
    const int width = 40;
    const int fill = pct * width / 100;
    fmt::print(err, "\r[{:<{}}] {:3}%", std::string(fill, '#'), width, pct);
    std::fflush(err);
  }
  void done(std::FILE* err) {
    if (on && last_percent >= 0) fmt::print(err, "\r{:<{}}\r", "", 50);
  }
};

void print_stats(std::FILE* out, const Host& host, const std::array<std::uint64_t, 4>& verdicts,
                 const std::map<std::string_view, std::uint64_t>& drop_reasons, std::uint64_t packets,
                 std::uint64_t bytes, double seconds, const std::string& dlt) {
  std::string s;
  s += fmt::format("link type: {}\n", dlt);
  // netstat -s style: one block per layer, counters in table order.
  std::string_view current;
  for (const auto& [name, value] : host.counters().nonzero()) {
    std::string_view n = name;
    auto layer = n.substr(0, n.find('.'));
    if (layer != current) {
      s += fmt::format("{}:\n", layer);
      current = layer;
    }
    s += fmt::format("    {:>12} {}\n", value, n.substr(n.find('.') + 1));
  }
  s += "verdicts:\n";
  s += fmt::format("    {:>12} delivered\n", verdicts[0]);
  s += fmt::format("    {:>12} dropped\n", verdicts[1]);
  s += fmt::format("    {:>12} held for reassembly\n", verdicts[2]);
  if (!drop_reasons.empty()) {
    s += "drop reasons:\n";
    for (const auto& [reason, n] : drop_reasons) s += fmt::format("    {:>12} {}\n", n, reason);
  }
  const double pps = seconds > 0 ? packets / seconds : 0.0;
  s += fmt::format("{} packets, {} bytes in {:.3f} s ({:.0f} packets/s, {:.1f} MB/s)\n", packets, bytes,
                   seconds, pps, seconds > 0 ? bytes / seconds / 1e6 : 0.0);
  std::fputs(s.c_str(), out);
}

}  // namespace

int run_replay(const ReplayOptions& opt, std::FILE* out, std::FILE* err) {
  std::string error;
  auto reader = nic::PcapReader::open(opt.capture, error);
  if (!reader) {
    fmt::print(err, "strata replay: cannot read {}: {}\n", opt.capture, error);
    return 2;
  }
  if (opt.filter && !reader->set_filter(*opt.filter, error)) {
    fmt::print(err, "strata replay: bad --filter '{}': {}\n", *opt.filter, error);
    return 2;
  }
  // A large mapped file is paged in ahead of the reader by a thread of its own (read_ahead.hpp). Declared
  // after `reader`, so it stops before the mapping goes.
  std::optional<ReadAhead> ahead;
  if (const core::Bytes file = reader->mapped_file(); file.size() >= kReadAheadFrom) {
    try {
      ahead.emplace(file, ReadAhead::Config{});
      reader->on_progress(ahead->warm() / 8, [&ahead](std::uint64_t pos) { ahead->reader_at(pos); });
    } catch (const std::system_error&) {
      // No thread to be had: libpcap's reads fault the pages in as they go.
    }
  }
  Progress progress;
  if (opt.progress && ::isatty(::fileno(err))) {
    struct stat st {};
    if (::stat(opt.capture.c_str(), &st) == 0 && st.st_size > 8 * 1000 * 1000) {
      progress.on = true;
      progress.total = st.st_size;
    }
  }

  core::BufferPool pool(64, HostConfig::observer().ipv4.reassembly.max_datagrams + 2);
  Host host(core::HostId{0}, HostConfig::observer(), pool, "replay");
  nic::NicInfo info;
  info.name = "capture";
  info.link = reader->link_type();
  info.mtu = 65535;
  nic::PcapFileNic nic(info);
  const core::NicId nic_id = host.attach(nic, InterfaceConfig{std::nullopt, std::nullopt, false});

  const bool human = !opt.json && !opt.stats;
  std::string buf;
  buf.reserve(kFlushAt + 4096);
  core::RxReport report;
  std::array<std::uint64_t, 4> verdicts{};
  std::map<std::string_view, std::uint64_t> drop_reasons;
  std::uint64_t packets = 0, bytes = 0;
  core::Instant first{};
  const auto started = std::chrono::steady_clock::now();
  if (human)
    fmt::print(out, "{}: link type {}\n{:>6} {:>11} {:>6} layers  => verdict\n", opt.capture,
               reader->dlt_name(), "no.", "time", "len");

  nic::PcapRecord rec;
  int status = 0;
  while (!opt.limit || packets < *opt.limit) {
    const auto st = reader->next(rec);
    if (st == nic::PcapReader::Status::End) break;
    if (st == nic::PcapReader::Status::Error) {
      if (!buf.empty()) std::fwrite(buf.data(), 1, buf.size(), out), buf.clear();
      std::fflush(out);
      progress.done(err);
      fmt::print(err, "strata replay: {}: record {}: {}\n", opt.capture, reader->records_read() + 1,
                 reader->error());
      status = 2;
      break;
    }
    if (packets == 0) first = rec.time;
    ++packets;
    bytes += rec.wire_len;
    host.advance(rec.time);
    core::RxReport* rp = nullptr;
    if (!opt.stats || opt.json || human) {
      report.clear();
      report.frame_len = rec.wire_len;  // IPv4 reports a TSO super-packet's total length from it
      rp = &report;
    }
    const RxOutcome o = host.handle_frame(nic_id, rec.data, rec.time, rp);
    ++verdicts[static_cast<std::size_t>(o.verdict)];
    if (o.verdict == core::Verdict::Drop) ++drop_reasons[core::name(o.reason)];
    const FrameInfo fr{rec.number, rec.wire_len, rec.time};
    if (opt.json)
      append_json(buf, fr, report, o);
    else if (human)
      append_human(buf, fr, report, o, first);
    if (buf.size() >= kFlushAt) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
    if (progress.on && (packets & 4095) == 0) {
      if (const long long pos = reader->file_position(); pos >= 0) progress.update(pos, err);
    }
  }
  if (!buf.empty()) std::fwrite(buf.data(), 1, buf.size(), out);
  progress.done(err);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (opt.stats || human) {
    if (human) std::fputs("\nper-layer summary\n", out);
    print_stats(out, host, verdicts, drop_reasons, packets, bytes, seconds, reader->dlt_name());
  }
  std::fflush(out);
  return status;
}

}  // namespace strata::sim
