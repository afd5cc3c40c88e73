// SPDX-License-Identifier: MIT
// The receive path from memory, on the peers' workloads (../shared/peers/README.md §2, the lwIP benchmark):
//   BM_RxUdp/64, BM_RxUdp/1472 — the 1024 UDP frames (IP ID 0..1023, 106 B / 1514 B), each fed to
//     Host::handle_frame and read out with recvfrom, as lwIP's udp_recv app does. items = frames,
//     bytes = payload bytes. The names are a contract (DESIGN.md §8: >= 3x lwIP's rate, no allocation).
//   BM_RxArp — an ARP request for our address: the reply goes into the QueueNic and is drained.
//   BM_RxIcmpEcho — an ICMP echo request (64 B of data): the echo reply goes out and is drained.
//   BM_RxObserverReport — the observer host (strata replay) fed the 1514-byte UDP frames with an RxReport
//     filled per frame, as `strata replay --json` does before formatting.
// Frames are built here byte for byte as the peers define them (no files), with an RFC 1071 checksum of our
// own (not the stack's), in one page-aligned array at a 64-byte-rounded stride. Correctness is checked
// outside the timed loop: every datagram delivered (udp.delivered), every payload byte read out, no drops.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "stack/core/counters.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/core/reason.hpp"
#include "stack/core/rx_report.hpp"
#include "stack/host.hpp"
#include "stack/host_config.hpp"
#include "stack/nic/queue_nic.hpp"
#include "stack/socket/socket_api.hpp"

// ---------------------------------------------------------------------------------------------------------------
// Allocation counting: a weak replacement of the global operator new (a strong one elsewhere in the program
// wins without a link error). It only counts; the timed loops read the count before and after.
namespace {
std::atomic<std::uint64_t> g_news{0};
}  // namespace
/// The count so far, for the other benchmark files of strata-bench.
std::uint64_t strata_bench_allocations() {
  return g_news.load(std::memory_order_relaxed);
}

__attribute__((weak)) void* operator new(std::size_t n) {
  g_news.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  if (void* p = std::malloc(n)) return p;
  throw std::bad_alloc();
}

namespace {

using strata::Host;
using strata::HostConfig;
using strata::InterfaceConfig;
namespace core = strata::core;
namespace nic = strata::nic;
namespace wire = strata::wire;
namespace sock = strata::socket;

constexpr std::uint8_t kStackMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr std::uint8_t kPeerMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr std::uint32_t kStackIp = 0xC0000201;  // 192.0.2.1
constexpr std::uint32_t kPeerIp = 0xC0000202;   // 192.0.2.2
constexpr std::uint16_t kUdpPort = 7000, kPeerUdpPort = 40001;
constexpr std::size_t kUdpFrames = 1024;
constexpr std::int64_t kStepNs = 1000;  // `now` advances 1 us per frame

// ---------------------------------------------------------------------------------------------------------------
// Frame building (untimed), the same arithmetic as peers/lwip/lwip_bench.cpp.
void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t s = 0) {
  for (; n > 1; p += 2, n -= 2) s += static_cast<std::uint32_t>(p[0] << 8 | p[1]);
  if (n) s += static_cast<std::uint32_t>(p[0]) << 8;
  return s;
}
std::uint16_t fold(std::uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(~s);
}

// Ethernet II + IPv4 (IHL 5, TOS 0, DF, TTL 64, 192.0.2.2 -> 192.0.2.1); returns the L4 header.
std::uint8_t* put_eth_ip(std::uint8_t* f, std::uint8_t proto, std::uint16_t l4len, std::uint16_t ipid) {
  std::memcpy(f, kStackMac, 6);
  std::memcpy(f + 6, kPeerMac, 6);
  put16(f + 12, 0x0800);
  std::uint8_t* ip = f + 14;
  ip[0] = 0x45;
  ip[1] = 0;
  put16(ip + 2, static_cast<std::uint16_t>(20 + l4len));
  put16(ip + 4, ipid);
  put16(ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = proto;
  put16(ip + 10, 0);
  put32(ip + 12, kPeerIp);
  put32(ip + 16, kStackIp);
  put16(ip + 10, fold(sum16(ip, 20)));
  return ip + 20;
}

std::size_t build_udp(std::uint8_t* f, std::uint16_t ipid, std::size_t plen) {
  const auto l4len = static_cast<std::uint16_t>(8 + plen);
  std::uint8_t* u = put_eth_ip(f, 17, l4len, ipid);
  put16(u, kPeerUdpPort);
  put16(u + 2, kUdpPort);
  put16(u + 4, l4len);
  put16(u + 6, 0);
  for (std::size_t j = 0; j < plen; ++j) u[8 + j] = static_cast<std::uint8_t>((ipid + j) % 251);
  const std::uint32_t pseudo =
      (kPeerIp >> 16) + (kPeerIp & 0xffff) + (kStackIp >> 16) + (kStackIp & 0xffff) + 17 + l4len;
  const std::uint16_t c = fold(sum16(u, l4len, pseudo));
  put16(u + 6, c == 0 ? 0xffff : c);
  return 14 + 20 + l4len;
}

// "who-has 192.0.2.1 tell 192.0.2.2" from the peer, broadcast, padded to 60 bytes.
std::size_t build_arp_request(std::uint8_t* f) {
  std::memset(f, 0xff, 6);
  std::memcpy(f + 6, kPeerMac, 6);
  put16(f + 12, 0x0806);
  std::uint8_t* a = f + 14;
  put16(a, 1);
  put16(a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, 1);
  std::memcpy(a + 8, kPeerMac, 6);
  put32(a + 14, kPeerIp);
  std::memset(a + 18, 0, 6);
  put32(a + 24, kStackIp);
  std::memset(a + 28, 0, 14);
  return 60;
}

// ICMP echo request, id 0x1234, seq `seq`, `dlen` data bytes (j mod 251). DF like the other frames.
std::size_t build_icmp_echo(std::uint8_t* f, std::uint16_t ipid, std::uint16_t seq, std::size_t dlen) {
  const auto l4len = static_cast<std::uint16_t>(8 + dlen);
  std::uint8_t* m = put_eth_ip(f, 1, l4len, ipid);
  m[0] = 8;
  m[1] = 0;
  put16(m + 2, 0);
  put16(m + 4, 0x1234);
  put16(m + 6, seq);
  for (std::size_t j = 0; j < dlen; ++j) m[8 + j] = static_cast<std::uint8_t>(j % 251);
  put16(m + 2, fold(sum16(m, l4len)));
  return 14 + 20 + l4len;
}

// Frames in one page-aligned array at a 64-byte-rounded stride (128 for 106 B, 1536 for 1514 B).
struct FrameArray {
  std::uint8_t* mem = nullptr;
  std::size_t stride = 0;
  std::vector<std::uint16_t> len;

  FrameArray(std::size_t n, std::size_t maxlen) : stride((maxlen + 63) / 64 * 64), len(n) {
    const std::size_t bytes = (n * stride + 4095) / 4096 * 4096;
    mem = static_cast<std::uint8_t*>(std::aligned_alloc(4096, bytes));
    if (mem == nullptr) throw std::bad_alloc();
    std::memset(mem, 0, bytes);
  }
  FrameArray(FrameArray&& o) noexcept : mem(o.mem), stride(o.stride), len(std::move(o.len)) {
    o.mem = nullptr;
  }
  FrameArray(const FrameArray&) = delete;
  FrameArray& operator=(const FrameArray&) = delete;
  FrameArray& operator=(FrameArray&&) = delete;
  ~FrameArray() { std::free(mem); }

  std::uint8_t* at(std::size_t i) { return mem + i * stride; }
  core::Bytes frame(std::size_t i) const { return core::as_bytes(mem + i * stride, len[i]); }
  std::size_t size() const { return len.size(); }
};

FrameArray make_udp(std::size_t plen) {
  FrameArray a(kUdpFrames, 14 + 20 + 8 + plen);
  for (std::size_t i = 0; i < a.size(); ++i)
    a.len[i] = static_cast<std::uint16_t>(build_udp(a.at(i), static_cast<std::uint16_t>(i), plen));
  return a;
}

std::uint64_t total_drops(const core::Counters& c) {
  std::uint64_t n = 0;
  for (std::size_t r = 0; r < static_cast<std::size_t>(core::Reason::kCount); ++r)
    n += c.drops(static_cast<core::Reason>(r));
  return n;
}

// A Host with one QueueNic (02:00:00:00:00:01, 192.0.2.1/24) that has learned the peer from its ARP request.
// Everything it sent while being set up (the announcement, the ARP reply) is drained.
struct Rig {
  core::BufferPool pool;
  Host host;
  nic::QueueNic nic;
  core::NicId nic_id{};
  std::int64_t now_ns = kStepNs;

  explicit Rig(HostConfig config = HostConfig{})
      : host(core::HostId{1}, with_seed(config), pool, "bench"), nic(make_info()) {
    nic_id = host.attach(
        nic, InterfaceConfig{wire::Ipv4Cidr{wire::Ipv4Address{kStackIp}, 24}, std::nullopt, true});
    std::uint8_t arp[64] = {};
    const std::size_t n = build_arp_request(arp);
    (void)host.handle_frame(nic_id, core::as_bytes(arp, n), tick());
    drain();
  }
  static HostConfig with_seed(HostConfig c) {
    c.seed = 1;
    return c;
  }
  static nic::NicInfo make_info() {
    nic::NicInfo info;
    info.name = "bench0";
    std::memcpy(info.mac.octets.data(), kStackMac, 6);
    info.mtu = 1500;
    return info;
  }
  core::Instant tick() {
    now_ns += kStepNs;
    return core::instant_from_ns(now_ns);
  }
  std::size_t drain() {
    std::size_t n = 0;
    while (nic.take()) ++n;
    return n;
  }
};

void set_allocs(benchmark::State& state, std::uint64_t news) {
  state.counters["allocs_per_frame"] = benchmark::Counter(
      state.iterations() ? static_cast<double>(news) / static_cast<double>(state.iterations()) : 0);
}

// ---------------------------------------------------------------------------------------------------------------
void BM_RxUdp(benchmark::State& state) {
  const auto plen = static_cast<std::size_t>(state.range(0));
  FrameArray frames = make_udp(plen);
  Rig rig;
  auto& host = rig.host;
  auto& sockets = host.sockets();
  const auto fd = sockets.socket(sock::kAfInet, sock::kSockDgram);
  if (!fd || !sockets.bind(*fd, sock::SockAddrIn{wire::Ipv4Address{}, kUdpPort})) {
    state.SkipWithError("socket/bind failed");
    return;
  }
  alignas(64) static std::byte buf[2048];
  sock::SockAddrIn from{};

  // Warm-up and content check (untimed): every datagram delivered, from the peer, with the pattern.
  for (std::size_t i = 0; i < frames.size(); ++i) {
    (void)host.handle_frame(rig.nic_id, frames.frame(i), rig.tick());
    auto r = sockets.recvfrom(*fd, core::MutBytes(buf, sizeof buf), &from);
    bool ok = r && *r == plen && from.addr.value == kPeerIp && from.port == kPeerUdpPort;
    for (std::size_t j = 0; ok && j < plen; ++j)
      ok = static_cast<std::uint8_t>(buf[j]) == static_cast<std::uint8_t>((i + j) % 251);
    if (!ok) {
      state.SkipWithError(("datagram " + std::to_string(i) + " not delivered intact").c_str());
      return;
    }
  }
  if (rig.nic.pending() != 0 || total_drops(host.counters()) != 0) {
    state.SkipWithError("warm-up: the stack sent frames or dropped");
    return;
  }

  const std::uint64_t delivered0 = host.counters().get(core::Counter::UdpDelivered);
  const std::uint64_t news0 = g_news.load(std::memory_order_relaxed);
  std::uint64_t bytes = 0, failed = 0;
  std::size_t i = 0;
  std::int64_t now_ns = rig.now_ns;
  for (auto _ : state) {
    now_ns += kStepNs;
    (void)host.handle_frame(rig.nic_id, frames.frame(i), core::instant_from_ns(now_ns));
    auto r = sockets.recvfrom(*fd, core::MutBytes(buf, sizeof buf), &from);
    if (r) [[likely]]
      bytes += *r;
    else
      ++failed;
    i = (i + 1) & (kUdpFrames - 1);
  }
  const std::uint64_t news = g_news.load(std::memory_order_relaxed) - news0;
  rig.now_ns = now_ns;

  const auto iters = static_cast<std::uint64_t>(state.iterations());
  const std::uint64_t delivered = host.counters().get(core::Counter::UdpDelivered) - delivered0;
  const std::uint64_t drops = total_drops(host.counters());
  state.SetItemsProcessed(static_cast<std::int64_t>(iters));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["drops"] = static_cast<double>(drops + failed);
  set_allocs(state, news);
  if (delivered != iters || bytes != iters * plen || drops != 0 || failed != 0 || rig.nic.pending() != 0)
    state.SkipWithError(("lost datagrams: delivered " + std::to_string(delivered) + " of " +
                         std::to_string(iters) + ", bytes " + std::to_string(bytes) + ", drops " +
                         std::to_string(drops))
                            .c_str());
}

// ---------------------------------------------------------------------------------------------------------------
void BM_RxArp(benchmark::State& state) {
  Rig rig;
  auto& host = rig.host;
  std::uint8_t arp[64] = {};
  const core::Bytes frame = core::as_bytes(arp, build_arp_request(arp));
  const std::uint64_t replies0 = host.counters().get(core::Counter::ArpReplyTx);
  const std::uint64_t news0 = g_news.load(std::memory_order_relaxed);
  std::uint64_t sent = 0;
  for (auto _ : state) {
    (void)host.handle_frame(rig.nic_id, frame, rig.tick());
    sent += rig.drain();
  }
  const std::uint64_t news = g_news.load(std::memory_order_relaxed) - news0;
  const auto iters = static_cast<std::uint64_t>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(iters));
  state.counters["drops"] = static_cast<double>(total_drops(host.counters()));
  set_allocs(state, news);
  if (sent != iters || host.counters().get(core::Counter::ArpReplyTx) - replies0 != iters ||
      total_drops(host.counters()) != 0)
    state.SkipWithError("not every ARP request was answered");
}

// ---------------------------------------------------------------------------------------------------------------
void BM_RxIcmpEcho(benchmark::State& state) {
  constexpr std::size_t kEchoFrames = 1024;
  FrameArray frames(kEchoFrames, 14 + 20 + 8 + 64);
  for (std::size_t i = 0; i < frames.size(); ++i)
    frames.len[i] = static_cast<std::uint16_t>(
        build_icmp_echo(frames.at(i), static_cast<std::uint16_t>(i), static_cast<std::uint16_t>(i), 64));
  Rig rig;
  auto& host = rig.host;
  const std::uint64_t replies0 = host.counters().get(core::Counter::IcmpEchoReplyTx);
  const std::uint64_t news0 = g_news.load(std::memory_order_relaxed);
  std::uint64_t sent = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    (void)host.handle_frame(rig.nic_id, frames.frame(i), rig.tick());
    sent += rig.drain();
    i = (i + 1) & (kEchoFrames - 1);
  }
  const std::uint64_t news = g_news.load(std::memory_order_relaxed) - news0;
  const auto iters = static_cast<std::uint64_t>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(iters));
  state.counters["drops"] = static_cast<double>(total_drops(host.counters()));
  set_allocs(state, news);
  // Beyond 60 s of simulated time (60 M frames) the peer's ARP entry would expire: the replies would queue.
  if (sent != iters || host.counters().get(core::Counter::IcmpEchoReplyTx) - replies0 != iters ||
      total_drops(host.counters()) != 0)
    state.SkipWithError("not every echo request was answered");
}

// ---------------------------------------------------------------------------------------------------------------
// The observer (strata replay): per frame advance(t), clear the report, handle_frame with it — what
// run_replay does for --json, without the JSON formatting (sim/replay).
void BM_RxObserverReport(benchmark::State& state) {
  FrameArray frames = make_udp(1472);
  core::BufferPool pool(64, HostConfig::observer().ipv4.reassembly.max_datagrams + 2);
  HostConfig config = HostConfig::observer();
  config.seed = 1;
  Host host(core::HostId{0}, config, pool, "replay");
  nic::NicInfo info;
  info.name = "capture";
  info.mtu = 65535;
  nic::QueueNic qnic(info);
  const core::NicId nic_id = host.attach(qnic, InterfaceConfig{std::nullopt, std::nullopt, false});
  core::RxReport report;
  const std::uint64_t delivered0 = host.counters().get(core::Counter::Ipv4Delivered);
  const std::uint64_t news0 = g_news.load(std::memory_order_relaxed);
  std::uint64_t good = 0;
  std::int64_t now_ns = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    now_ns += kStepNs;
    const auto t = core::instant_from_ns(now_ns);
    host.advance(t);
    report.clear();
    const auto o = host.handle_frame(nic_id, frames.frame(i), t, &report);
    good += (o.verdict == core::Verdict::Deliver) & (report.udp_check == core::RxReport::kGood);
    i = (i + 1) & (kUdpFrames - 1);
  }
  const std::uint64_t news = g_news.load(std::memory_order_relaxed) - news0;
  const auto iters = static_cast<std::uint64_t>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(iters));
  state.SetBytesProcessed(static_cast<std::int64_t>(iters * frames.len[0]));
  state.counters["drops"] = static_cast<double>(total_drops(host.counters()));
  set_allocs(state, news);
  if (good != iters || host.counters().get(core::Counter::Ipv4Delivered) - delivered0 != iters ||
      qnic.pending() != 0)
    state.SkipWithError("observer: not every frame decoded as a good UDP datagram");
}

// ---------------------------------------------------------------------------------------------------------------
// BM_TxUdp/64 — the send path alone: sendto of 64 bytes to the peer (its MAC learned from the rig's ARP
// request) through UDP, IPv4, ARP and Ethernet into the QueueNic, which is drained (the frame released).
// Not a DESIGN.md contract name: it isolates the half of BM_SimUdpEndToEnd that BM_RxUdp does not measure.
void BM_TxUdp(benchmark::State& state) {
  const auto plen = static_cast<std::size_t>(state.range(0));
  Rig rig;
  auto& host = rig.host;
  auto& sockets = host.sockets();
  const auto fd = sockets.socket(sock::kAfInet, sock::kSockDgram);
  if (!fd || !sockets.bind(*fd, sock::SockAddrIn{wire::Ipv4Address{}, kUdpPort})) {
    state.SkipWithError("socket/bind failed");
    return;
  }
  std::vector<std::byte> payload(plen, std::byte{0x5a});
  const sock::SockAddrIn to{wire::Ipv4Address{kPeerIp}, kPeerUdpPort};
  const std::uint64_t tx0 = host.counters().get(core::Counter::UdpTx);
  const std::uint64_t news0 = g_news.load(std::memory_order_relaxed);
  std::uint64_t sent = 0, frames = 0;
  for (auto _ : state) {
    host.advance(rig.tick());
    sent += sockets.sendto(*fd, payload, to).ok() ? 1 : 0;
    frames += rig.drain();
  }
  const std::uint64_t news = g_news.load(std::memory_order_relaxed) - news0;
  const auto iters = static_cast<std::uint64_t>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(iters));
  set_allocs(state, news);
  if (sent != iters || frames != iters || host.counters().get(core::Counter::UdpTx) - tx0 != iters)
    state.SkipWithError("not every datagram left as one frame");
}

}  // namespace

BENCHMARK(BM_RxUdp)->Arg(64)->Arg(1472);
BENCHMARK(BM_RxArp);
BENCHMARK(BM_RxIcmpEcho);
BENCHMARK(BM_RxObserverReport);
BENCHMARK(BM_TxUdp)->Arg(64);
