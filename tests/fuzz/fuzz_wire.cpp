// SPDX-License-Identifier: MIT
// Fuzz target: every wire parser on arbitrary bytes. The input is tried as an Ethernet, SLL, SLL2 and raw
// IPv4 frame and walked up the layers (ARP, IPv4, ICMP with its quoted datagram, UDP, TCP and its options),
// and each parser also runs directly on the input and on sub-slices of it (suffixes at header-sized offsets,
// prefixes cut short). Every accessor of every view that parses is read. A parse may fail; what it may not do
// is read out of bounds, hit undefined behaviour, or break a round trip: a parsed header emitted again must
// give the same bytes (Ethernet, ARP, IPv4 bar its checksum), emitted TCP options must parse to the same
// values, and checksums written by the emitters must verify.
//
// Builds: with libFuzzer (clang -fsanitize=fuzzer), with tests/fuzz/standalone_main.cpp (the CMake build,
// which replays captures record by record), or alone with -DSTRATA_FUZZ_STANDALONE_MAIN, whose main() below
// runs the target once on each file or directory entry given as an argument.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "stack/core/bytes.hpp"
#include "stack/wire/addresses.hpp"
#include "stack/wire/arp.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/ethernet.hpp"
#include "stack/wire/icmpv4.hpp"
#include "stack/wire/ipv4.hpp"
#include "stack/wire/sll.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/udp.hpp"

namespace {

using namespace strata;
using core::Bytes;

// Everything read is folded in here, so no accessor call can be optimised away.
volatile std::uint64_t g_sink;
std::uint64_t g_acc;

void use(std::uint64_t v) {
  g_acc = g_acc * 1099511628211ULL + v;
}
void use(Bytes b) {
  use(b.size());
  if (!b.empty()) use(static_cast<std::uint64_t>(b.front()) << 8 | static_cast<std::uint64_t>(b.back()));
}
void use(wire::MacAddress m) {
  for (auto o : m.octets) use(o);
}
void use(wire::Ipv4Address a) {
  use(a.value);
}

/// An invariant broken: abort so the fuzzer records the input.
void require(bool ok, const char* what) {
  if (!ok) {
    (void)what;
    std::abort();
  }
}

bool same(Bytes a, Bytes b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

core::MutBytes mut(std::vector<std::uint8_t>& v) {
  return std::as_writable_bytes(std::span(v));
}
Bytes view(const std::vector<std::uint8_t>& v) {
  return core::as_bytes(v.data(), v.size());
}

void fuzz_tcp_options(Bytes b) {
  auto o = wire::TcpOptions::parse(b);
  if (!o) {
    use(static_cast<std::uint64_t>(o.error()));
    return;
  }
  use(o->mss.value_or(0));
  use(o->window_scale.value_or(0));
  use(o->sack_permitted);
  use(o->sack_count);
  require(o->sack_count <= o->sack.size(), "sack_count beyond the array");
  for (std::size_t i = 0; i < o->sack_count; ++i)
    use(std::uint64_t{o->sack[i].left} << 32 | o->sack[i].right);
  if (o->timestamps) use(std::uint64_t{o->timestamps->first} << 32 | o->timestamps->second);

  // Round trip: the options emitted again parse to the same values.
  const std::size_t n = o->wire_size();
  require(n % 4 == 0, "options not padded to 4 bytes");
  std::vector<std::uint8_t> out(n, 0xee);
  o->emit(mut(out));
  auto back = wire::TcpOptions::parse(view(out));
  require(back.ok(), "emitted options do not parse");
  require(back->mss == o->mss && back->window_scale == o->window_scale &&
              back->sack_permitted == o->sack_permitted && back->timestamps == o->timestamps &&
              back->sack_count == o->sack_count,
          "options round trip");
  for (std::size_t i = 0; i < o->sack_count; ++i)
    require(back->sack[i].left == o->sack[i].left && back->sack[i].right == o->sack[i].right,
            "sack round trip");
}

void fuzz_tcp(Bytes b, wire::Ipv4Address src, wire::Ipv4Address dst) {
  auto t = wire::TcpView::parse(b);
  if (!t) {
    use(static_cast<std::uint64_t>(t.error()));
    return;
  }
  use(t->src_port());
  use(t->dst_port());
  use(t->seq());
  use(t->ack());
  use(t->header_len());
  require(t->header_len() >= wire::kTcpMinHeaderLen && t->header_len() <= b.size(),
          "tcp header_len invariant");
  use(t->flags());
  use(t->has(wire::tcp_flag::kSyn));
  use(t->window());
  use(t->checksum());
  use(t->urgent());
  use(t->options());
  use(t->payload());
  use(t->bytes());
  use(t->checksum_ok(src, dst));
  fuzz_tcp_options(t->options());

  // set_checksum over a copy must verify (segments up to the 16-bit pseudo-header length).
  if (b.size() <= 0xffff) {
    std::vector<std::uint8_t> copy(reinterpret_cast<const std::uint8_t*>(b.data()),
                                   reinterpret_cast<const std::uint8_t*>(b.data()) + b.size());
    wire::TcpHeader::set_checksum(mut(copy), src, dst);
    require(wire::TcpView::parse(view(copy))->checksum_ok(src, dst), "tcp set_checksum then checksum_ok");
  }
}

void fuzz_udp(Bytes b, std::size_t ip_payload_len, wire::Ipv4Address src, wire::Ipv4Address dst) {
  auto u = wire::UdpView::parse(b);
  if (!u) {
    use(static_cast<std::uint64_t>(u.error()));
    return;
  }
  use(u->src_port());
  use(u->dst_port());
  use(u->length());
  use(u->checksum());
  auto len = u->check_length(ip_payload_len);
  if (!len) {
    use(static_cast<std::uint64_t>(len.error()));
    return;
  }
  use(u->checksum_ok(src, dst));
  use(u->payload());
  require(u->payload().size() + wire::kUdpHeaderLen == u->length(), "udp payload size");

  // emit_with_checksum over a copy of the datagram must verify, and never send a zero checksum.
  std::vector<std::uint8_t> copy(reinterpret_cast<const std::uint8_t*>(b.data()),
                                 reinterpret_cast<const std::uint8_t*>(b.data()) + u->length());
  wire::UdpHeader{u->src_port(), u->dst_port(), u->length()}.emit_with_checksum(mut(copy), src, dst);
  auto again = wire::UdpView::parse(view(copy));
  require(again.ok() && again->check_length(copy.size()).ok(), "udp emit then parse");
  require(again->checksum() != 0, "udp emitted a zero checksum");
  require(again->checksum_ok(src, dst), "udp emit_with_checksum then checksum_ok");
}

void fuzz_ipv4(Bytes b, int depth);

void fuzz_icmp(Bytes b, int depth) {
  auto m = wire::Icmpv4View::parse(b);
  if (!m) {
    use(static_cast<std::uint64_t>(m.error()));
    return;
  }
  use(m->type());
  use(m->code());
  use(m->checksum());
  use(m->echo_id());
  use(m->echo_seq());
  use(m->next_hop_mtu());
  use(m->checksum_ok());
  use(m->body());
  use(m->bytes());
  use(wire::icmp_type::is_error(m->type()));
  // An error quotes an IPv4 header: parse it too, but only one level deep (as the stack does).
  if (depth == 0) fuzz_ipv4(m->body(), depth + 1);

  std::vector<std::uint8_t> copy(reinterpret_cast<const std::uint8_t*>(b.data()),
                                 reinterpret_cast<const std::uint8_t*>(b.data()) + b.size());
  // Emitting the same header over a copy gives back a valid message unchanged (except a checksum written as
  // 0xffff where the sum makes it 0: both verify).
  const wire::Icmpv4Header h{m->type(), m->code(), std::uint32_t{m->echo_id()} << 16 | m->echo_seq()};
  h.emit_with_checksum(mut(copy));
  require(same(view(copy), b) || !m->checksum_ok() || m->checksum() == 0xffff,
          "icmp emit of a valid message changed it");
  require(wire::Icmpv4View::parse(view(copy))->checksum_ok(), "icmp emit_with_checksum then checksum_ok");
}

void fuzz_ipv4(Bytes b, int depth) {
  auto ip = wire::Ipv4View::parse(b);
  if (!ip) {
    use(static_cast<std::uint64_t>(ip.error()));
    return;
  }
  use(ip->header_len());
  require(ip->header_len() >= wire::kIpv4MinHeaderLen && ip->header_len() <= b.size() &&
              ip->header_len() <= ip->total_length(),
          "ipv4 header invariant");
  use(ip->tos());
  use(ip->total_length());
  use(ip->ident());
  use(ip->dont_fragment());
  use(ip->more_fragments());
  use(ip->reserved_flag());
  use(ip->frag_offset());
  use(ip->is_fragment());
  use(ip->ttl());
  use(ip->protocol());
  use(ip->checksum());
  use(ip->src());
  use(ip->dst());
  use(ip->options());
  use(ip->header());
  use(ip->checksum_ok());
  use(ip->truncated());
  const Bytes payload = ip->payload();
  use(payload);
  require(payload.size() + ip->header_len() <= ip->total_length(), "ipv4 payload beyond total length");

  // Round trip: every field but the checksum and the reserved flag comes back; the new checksum verifies.
  const wire::Ipv4Header h = wire::Ipv4Header::from(*ip);
  std::vector<std::uint8_t> out(h.wire_size(), 0xee);
  h.emit(mut(out));
  auto again = wire::Ipv4View::parse(view(out));
  require(out.size() == ip->header_len(), "ipv4 emit size");
  require(again.ok() && again->checksum_ok(), "ipv4 emit then parse");
  std::vector<std::uint8_t> orig(reinterpret_cast<const std::uint8_t*>(b.data()),
                                 reinterpret_cast<const std::uint8_t*>(b.data()) + out.size());
  orig[6] &= 0x7f;  // reserved flag: not emitted
  out[10] = out[11] = orig[10] = orig[11] = 0;
  require(out == orig, "ipv4 header round trip");

  switch (ip->protocol()) {
    case wire::ip_proto::kIcmp:
      fuzz_icmp(payload, depth);
      break;
    case wire::ip_proto::kUdp:
      // What the IPv4 header promises, which a cut capture may not hold (check_length's UdpTruncated).
      fuzz_udp(payload, ip->total_length() - ip->header_len(), ip->src(), ip->dst());
      break;
    case wire::ip_proto::kTcp:
      fuzz_tcp(payload, ip->src(), ip->dst());
      break;
    default:
      break;
  }
}

void fuzz_arp(Bytes b) {
  wire::ArpPeek peek;
  if (wire::ArpPeek::peek(b, peek)) {
    use(peek.opcode);
    use(peek.has_ipv4);
    use(peek.spa);
    use(peek.tpa);
  }
  auto a = wire::ArpView::parse(b);
  if (!a) {
    use(static_cast<std::uint64_t>(a.error()));
    return;
  }
  use(a->opcode());
  use(a->sender_mac());
  use(a->sender_ip());
  use(a->target_mac());
  use(a->target_ip());
  // A parsed packet is what the peek reads too, and emits back to its own 28 bytes.
  require(
      peek.has_ipv4 && peek.opcode == a->opcode() && peek.spa == a->sender_ip() && peek.tpa == a->target_ip(),
      "arp peek disagrees with view");
  std::vector<std::uint8_t> out(wire::kArpLen, 0xee);
  wire::ArpPacket::from(*a).emit(mut(out));
  require(same(view(out), b.first(wire::kArpLen)), "arp round trip");
}

void fuzz_l3(std::uint16_t type, Bytes payload) {
  if (type == wire::ether_type::kArp) fuzz_arp(payload);
  if (type == wire::ether_type::kIpv4) fuzz_ipv4(payload, 0);
}

void fuzz_ethernet(Bytes b) {
  auto e = wire::EthernetView::parse(b);
  if (!e) {
    use(static_cast<std::uint64_t>(e.error()));
    return;
  }
  use(e->dst());
  use(e->src());
  use(e->dst().is_broadcast());
  use(e->dst().is_multicast());
  use(e->outer_type());
  use(e->type());
  use(e->tag_count());
  require(e->tag_count() <= wire::kMaxVlanTags && e->header_len() <= b.size(), "ethernet header invariant");
  for (std::size_t i = 0; i < e->tag_count(); ++i) {
    const wire::VlanTag t = e->tag(i);
    use(t.tpid);
    use(t.pcp);
    use(t.dei);
    use(t.vid);
  }
  use(e->header_len());
  use(e->payload());

  const wire::EthernetHeader h = wire::EthernetHeader::from(*e);
  std::vector<std::uint8_t> out(h.wire_size(), 0xee);
  h.emit(mut(out));
  require(same(view(out), b.first(e->header_len())), "ethernet round trip");

  fuzz_l3(e->type(), e->payload());
}

void use_sll(const wire::SllView& s, Bytes b) {
  use(s.packet_type());
  use(s.arphrd_type());
  use(s.protocol());
  use(s.address_len());
  use(s.address());
  require(s.address().size() <= 8 && s.header_len() <= b.size(), "sll header invariant");
  use(s.interface_index());
  use(s.header_len());
  use(s.payload());
  fuzz_l3(s.protocol(), s.payload());
}

void fuzz_sll(Bytes b) {
  if (auto s = wire::SllView::parse(b)) use_sll(*s, b);
  if (auto s = wire::SllView::parse2(b)) use_sll(*s, b);
}

/// Every parser, each on its own, on one slice.
void fuzz_slice(Bytes b) {
  fuzz_ethernet(b);
  fuzz_sll(b);
  fuzz_ipv4(b, 0);
  fuzz_arp(b);
  fuzz_icmp(b, 1);
  fuzz_udp(b, b.size(), wire::Ipv4Address{0x0a000001}, wire::Ipv4Address{0x0a000002});
  fuzz_udp(b, wire::kIpv4MaxDatagram, wire::Ipv4Address{0x0a000001}, wire::Ipv4Address{0x0a000002});
  fuzz_tcp(b, wire::Ipv4Address{0xc0a80001}, wire::Ipv4Address{0xc0a80002});
  fuzz_tcp_options(b.first(std::min<std::size_t>(b.size(), wire::kTcpMaxOptionsLen)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Copy into an exactly-sized heap buffer, so AddressSanitizer catches a read even one byte past the end.
  std::vector<std::uint8_t> buf(data, data + size);
  const Bytes all = core::as_bytes(buf.data(), buf.size());
  fuzz_slice(all);
  fuzz_tcp_options(all);
  // Suffixes at the offsets where headers start (after Ethernet, tags, SLL, SLL2, IPv4, TCP/UDP/ICMP
  // headers).
  for (std::size_t off : {1u, 8u, 12u, 14u, 16u, 18u, 20u, 22u, 24u, 28u, 34u, 36u, 40u, 42u, 54u, 60u}) {
    if (off >= size) break;
    fuzz_slice(all.subspan(off));
  }
  // Prefixes: the same bytes cut short, as a capture's snap length would.
  for (std::size_t cut : {0u, 7u, 8u, 13u, 14u, 19u, 20u, 27u, 28u, 33u, 34u, 41u, 42u, 53u, 54u}) {
    if (cut >= size) break;
    std::vector<std::uint8_t> prefix(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(cut));
    fuzz_slice(view(prefix));
  }
  g_sink = g_acc;
  return 0;
}

#ifdef STRATA_FUZZ_STANDALONE_MAIN
// Replays inputs without libFuzzer: each argument is a file (one input) or a directory (each regular file in
// it, not recursing). Exit status 2 when an argument cannot be read.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

namespace {
bool run_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p = argv[i];
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(p, ec)) {
        if (!entry.is_regular_file()) continue;
        if (!run_file(entry.path())) {
          std::cerr << "fuzz_wire: cannot read " << entry.path() << '\n';
          return 2;
        }
        ++runs;
      }
      if (ec) {
        std::cerr << "fuzz_wire: cannot list " << p << ": " << ec.message() << '\n';
        return 2;
      }
    } else if (run_file(p)) {
      ++runs;
    } else {
      std::cerr << "fuzz_wire: cannot read " << p << '\n';
      return 2;
    }
  }
  std::cout << "fuzz_wire: " << runs << " inputs, no crash\n";
  return 0;
}
#endif
