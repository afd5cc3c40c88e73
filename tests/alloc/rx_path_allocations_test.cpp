// SPDX-License-Identifier: MIT
// The receive path allocates nothing (BLUEPRINT: pools sized at construction, no growth per packet). This
// executable replaces global operator new with a counting one (tests/support/counting_allocator.cpp); each
// test warms a host up, then counts the allocations over many frames.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <new>
#include <vector>

#include "stack/host.hpp"
#include "stack/nic/queue_nic.hpp"
#include "tests/support/counting_allocator.hpp"
#include "tests/support/frame_builder.hpp"
#include "tests/support/test_addresses.hpp"

namespace strata {
namespace {

using test::allocations;
using test::FrameBuilder;
using test::kOurIp;
using test::kOurMac;
using test::kPeerIp;
using test::kPeerMac;

constexpr int kWarmup = 64;
constexpr int kIterations = 1000;

/// A datagram of `payload` pattern bytes from the peer's port 40000 to our port 7.
test::Frame udp_to_port_7(std::size_t payload) {
  return FrameBuilder()
      .eth(kPeerMac, kOurMac)
      .ipv4(kPeerIp, kOurIp)
      .udp(40000, 7)
      .payload(test::pattern(payload))
      .bytes();
}

/// An echo reply (identifier 0x77, sequence 1, 56 pattern bytes) from the peer to us.
test::Frame echo_reply() {
  return FrameBuilder()
      .eth(kPeerMac, kOurMac)
      .ipv4(kPeerIp, kOurIp)
      .icmp_echo_reply(0x77, 1)
      .payload(test::pattern(56))
      .bytes();
}

/// Runs `once` kWarmup times, then kIterations times; returns the allocations counted over the latter.
template <class F>
std::uint64_t steady_allocations(F&& once) {
  for (int i = 0; i < kWarmup; ++i) once();
  const auto before = allocations();
  for (int i = 0; i < kIterations; ++i) once();
  return allocations() - before;
}

/// Keeps the compiler from eliding a new/delete pair (allowed since C++14).
template <class T>
T* escape(T* p) {
  asm volatile("" : : "g"(p) : "memory");
  return p;
}

/// Whether this program's operator new is the counting one. A sanitizer runtime could in principle take over
/// operator new; with GCC's ASan/UBSan the executable's replacement wins and the counts hold (checked here
/// rather than assumed from __SANITIZE_ADDRESS__).
bool counting_in_effect() {
  const auto before = allocations();
  delete escape(new int(0));
  return allocations() != before;
}

#define STRATA_REQUIRE_COUNTING()                                                                    \
  do {                                                                                               \
    if (!counting_in_effect()) GTEST_SKIP() << "operator new is not the counting one in this build"; \
  } while (0)

/// A NIC whose transmit queue is a ring allocated once, at construction: what goes out costs nothing, so the
/// counts below are the stack's own. (QueueNic is checked on its own: QueueNicAllocations below.)
class RingNic final : public nic::Nic {
 public:
  explicit RingNic(nic::NicInfo info, std::size_t capacity = 64) : info_(std::move(info)), ring_(capacity) {}
  const nic::NicInfo& info() const override { return info_; }
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant) override {
    if (count_ == ring_.size()) return core::fail(core::Reason::NicQueueFull);
    ring_[(head_ + count_++) % ring_.size()] = std::move(frame);
    return {};
  }
  std::optional<core::PacketBuf> take() {
    if (count_ == 0) return std::nullopt;
    auto p = std::move(ring_[head_]);
    head_ = (head_ + 1) % ring_.size();
    --count_;
    return p;
  }
  std::size_t pending() const { return count_; }

 private:
  nic::NicInfo info_;
  std::vector<core::PacketBuf> ring_;
  std::size_t head_ = 0, count_ = 0;
};

/// One host on a NIC of type N (RingNic or nic::QueueNic), 10.0.0.1/24, its peer's MAC already learned.
template <class N>
struct Rig {
  Rig() : host(core::HostId{1}, HostConfig{}, pool) {
    id = host.attach(nic, InterfaceConfig{test::cidr("10.0.0.1/24"), std::nullopt, false});
    feed(test::arp_request(kPeerMac, kPeerIp, kOurIp));
    drain();
  }
  RxOutcome feed(const test::Frame& f) { return host.handle_frame(id, test::view(f), now); }
  std::size_t drain() {
    std::size_t n = 0;
    while (nic.take()) ++n;
    return n;
  }

  core::BufferPool pool{256, 8};
  N nic{nic::NicInfo{"eth0", kOurMac, 1500, nic::LinkType::Ethernet}};
  Host host;
  core::NicId id{};
  core::Instant now = core::instant_from_ns(1'000'000'000);
};

/// Feeds `frame` (warm-up, then kIterations times), draining the NIC after each; returns the allocations
/// counted over the measured iterations.
template <class N>
std::uint64_t allocations_answering(Rig<N>& r, const test::Frame& frame) {
  return steady_allocations([&] {
    r.feed(frame);
    EXPECT_EQ(r.drain(), 1u);
  });
}

TEST(CountingAllocator, CountsEveryFormOfNew) {
  ASSERT_TRUE(counting_in_effect());
  struct alignas(64) Wide {
    char c[64];
  };
  const auto before = allocations();
  const auto freed_before = test::deallocations();
  delete escape(new int(1));
  delete[] escape(new int[3]);
  delete escape(new (std::nothrow) int(2));
  delete[] escape(new (std::nothrow) int[2]);
  Wide* w = escape(new Wide);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(w) % 64, 0u);
  delete w;
  Wide* wa = escape(new Wide[2]);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(wa) % 64, 0u);
  delete[] wa;
  ::operator delete (escape(::operator new (16, std::align_val_t{128})), std::align_val_t{128});
  ::operator delete (escape(::operator new(16)), std::size_t{16});
  const auto made = allocations() - before;
  const auto freed = test::deallocations() - freed_before;
  EXPECT_EQ(made, 8u);
  EXPECT_EQ(freed, 8u);
  {
    test::AllocationScope scope;
    std::vector<int> v;
    v.reserve(10);
    escape(v.data());
    auto s = std::make_shared<int>(3);
    escape(s.get());
    EXPECT_EQ(scope.count(), 2u);
  }
}

TEST(CountingAllocator, ZeroSizedNewGivesDistinctPointers) {
  void* a = ::operator new(0);
  void* b = ::operator new(0);
  EXPECT_NE(a, nullptr);
  EXPECT_NE(a, b);
  ::operator delete(a);
  ::operator delete(b);
}

TEST(RxPathAllocations, UdpFrameToBoundSocketAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<nic::QueueNic> r;
  auto& s = r.host.sockets();
  const int fd = *s.socket(socket::kAfInet, socket::kSockDgram);
  ASSERT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 7}));
  const auto frame = udp_to_port_7(512);
  std::array<std::byte, 2048> buf{};
  socket::SockAddrIn from;
  auto once = [&] {
    const auto out = r.feed(frame);
    EXPECT_EQ(out.verdict, core::Verdict::Deliver);
    auto n = s.recvfrom(fd, buf, &from);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 512u);
  };
  EXPECT_EQ(steady_allocations(once), 0u);
  EXPECT_EQ(r.host.counters().get("udp.delivered"), static_cast<std::uint64_t>(kWarmup + kIterations));
  EXPECT_EQ(r.nic.pending(), 0u);
}

TEST(RxPathAllocations, QueuedUdpDatagramsAllocateNothing) {
  STRATA_REQUIRE_COUNTING();
  // The queue filling up and draining in bursts (the byte arena wraps).
  Rig<nic::QueueNic> r;
  auto& s = r.host.sockets();
  const int fd = *s.socket(socket::kAfInet, socket::kSockDgram);
  ASSERT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 7}));
  const auto frame = udp_to_port_7(1400);
  std::array<std::byte, 2048> buf{};
  auto burst = [&] {
    for (int i = 0; i < 200; ++i) r.feed(frame);  // more than the queue holds: some are queue_full drops
    while (s.recv(fd, buf)) {
    }
  };
  burst();
  const auto before = allocations();
  for (int i = 0; i < 50; ++i) burst();
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_GT(r.host.counters().get("udp.drop.queue_full"), 0u);
}

test::Frame echo_request() {
  return test::icmp_echo_request(kPeerMac, kOurMac, kPeerIp, kOurIp, 0x77, 1, test::view(test::pattern(56)));
}

TEST(RxPathAllocations, IcmpEchoRequestAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<RingNic> r;
  EXPECT_EQ(allocations_answering(r, echo_request()), 0u);
  EXPECT_EQ(r.host.counters().get("icmp.echo_reply_tx"), static_cast<std::uint64_t>(kWarmup + kIterations));
}

TEST(RxPathAllocations, ArpRequestForOurAddressAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<RingNic> r;
  EXPECT_EQ(allocations_answering(r, test::arp_request(kPeerMac, kPeerIp, kOurIp)), 0u);
  EXPECT_EQ(r.host.counters().get("arp.reply_tx"), static_cast<std::uint64_t>(kWarmup + kIterations + 1));
}

// The same through nic::QueueNic, drained after every frame. It keeps its frames in a core::BoundedQueue (a
// std::deque used to free and allocate a node every 8 frames however promptly it was drained).
TEST(QueueNicAllocations, IcmpEchoRequestThroughQueueNicAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<nic::QueueNic> r;
  EXPECT_EQ(allocations_answering(r, echo_request()), 0u);
}

TEST(QueueNicAllocations, ArpRequestThroughQueueNicAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<nic::QueueNic> r;
  EXPECT_EQ(allocations_answering(r, test::arp_request(kPeerMac, kPeerIp, kOurIp)), 0u);
}

// Echo replies no ping socket claims: Icmp keeps them in a core::BoundedQueue<EchoReply> (max_echo_replies).
TEST(RxPathAllocations, EchoRepliesAllocateNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<RingNic> r;
  const auto reply = echo_reply();
  auto once = [&] {
    r.feed(reply);
    EXPECT_TRUE(r.host.icmp().pop_echo_reply());
  };
  EXPECT_EQ(steady_allocations(once), 0u);
}

TEST(RxPathAllocations, EchoReplyToAPingSocketAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<RingNic> r;
  auto& s = r.host.sockets();
  const int fd = *s.socket(socket::kAfInet, socket::kSockDgram, socket::kIpprotoIcmp);
  ASSERT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 0x77}));
  const auto reply = echo_reply();
  std::array<std::byte, 2048> buf{};
  socket::SockAddrIn from;
  auto once = [&] {
    r.feed(reply);
    auto n = s.recvfrom(fd, buf, &from);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 64u);
  };
  EXPECT_EQ(steady_allocations(once), 0u);
  EXPECT_EQ(r.host.ping().delivered(), static_cast<std::uint64_t>(kWarmup + kIterations));
  EXPECT_FALSE(r.host.icmp().pop_echo_reply());
}

TEST(RxPathAllocations, PingSocketRoundTripAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  // The app's echo request out through the socket (pool buffer, no heap), the reply in and read back.
  Rig<RingNic> r;
  auto& s = r.host.sockets();
  const int fd = *s.socket(socket::kAfInet, socket::kSockDgram, socket::kIpprotoIcmp);
  ASSERT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 0x77}));
  std::array<std::byte, 64> request{};
  request[0] = std::byte{8};  // echo request, code 0, the stack fills identifier and checksum
  const auto reply = echo_reply();
  std::array<std::byte, 2048> buf{};
  auto once = [&] {
    ASSERT_TRUE(s.sendto(fd, request, socket::SockAddrIn{kPeerIp, 0}));
    EXPECT_EQ(r.drain(), 1u);
    r.feed(reply);
    ASSERT_TRUE(s.recv(fd, buf));
  };
  EXPECT_EQ(steady_allocations(once), 0u);
}

TEST(RxPathAllocations, RepliesQueuedOnTheNicAllocateNothingOnceWarm) {
  STRATA_REQUIRE_COUNTING();
  // Ten replies pile up on the NIC before the driver drains them.
  Rig<RingNic> r;
  const auto frame = echo_request();
  auto burst = [&] {
    for (int i = 0; i < 10; ++i) r.feed(frame);
    EXPECT_EQ(r.drain(), 10u);
  };
  for (int i = 0; i < 10; ++i) burst();
  const auto before = allocations();
  for (int i = 0; i < 100; ++i) burst();
  EXPECT_EQ(allocations() - before, 0u);
}

TEST(RxPathAllocations, DroppedFramesAllocateNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<nic::QueueNic> r;
  const std::vector<test::Frame> frames = {
      FrameBuilder()
          .eth(kPeerMac, kOurMac)
          .ipv4(kPeerIp, kOurIp)
          .udp(1, 7)
          .udp_bad_checksum()
          .payload("x")
          .bytes(),
      FrameBuilder()
          .eth(kPeerMac, kOurMac)
          .ipv4(kPeerIp, kOurIp)
          .udp(1, 7)
          .payload("x")
          .ip_bad_checksum()
          .bytes(),
      FrameBuilder()
          .eth(kPeerMac, test::mac("02:00:00:00:00:99"))
          .ipv4(kPeerIp, kOurIp)
          .udp(1, 7)
          .payload("x")
          .bytes(),
      FrameBuilder()
          .eth(kPeerMac, kOurMac)
          .ipv4(kPeerIp, test::ip("10.9.9.9"))
          .udp(1, 7)
          .payload("x")
          .bytes(),
      FrameBuilder().eth(kPeerMac, kOurMac, 0x86dd).payload("not ipv6 really").bytes(),
      test::Frame(10, std::byte{0}),
  };
  for (const auto& f : frames) r.feed(f);
  const auto before = allocations();
  for (int i = 0; i < kIterations; ++i)
    for (const auto& f : frames) EXPECT_EQ(r.feed(f).verdict, core::Verdict::Drop);
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_EQ(r.nic.pending(), 0u);
}

TEST(RxPathAllocations, ClosedPortAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  // Port unreachable goes out as often as the ICMP rate limit lets it.
  Rig<RingNic> r;
  const auto frame =
      FrameBuilder().eth(kPeerMac, kOurMac).ipv4(kPeerIp, kOurIp).udp(40000, 9).payload("x").bytes();
  for (int i = 0; i < kWarmup; ++i) {
    r.feed(frame);
    r.drain();
  }
  const auto before = allocations();
  for (int i = 0; i < kIterations; ++i) {
    r.now += std::chrono::milliseconds(20);  // lets the token bucket refill now and then
    r.feed(frame);
    r.drain();
  }
  EXPECT_EQ(allocations() - before, 0u);
  EXPECT_GT(r.host.counters().get("icmp.unreachable_tx"), 100u);
}

TEST(RxPathAllocations, FragmentedDatagramAllocatesNothing) {
  STRATA_REQUIRE_COUNTING();
  Rig<nic::QueueNic> r;
  auto& s = r.host.sockets();
  const int fd = *s.socket(socket::kAfInet, socket::kSockDgram);
  ASSERT_TRUE(s.bind(fd, socket::SockAddrIn{wire::Ipv4Address::any(), 7}));
  std::vector<std::vector<test::Frame>> datagrams;
  for (std::uint16_t ident = 1; ident <= 4; ++ident)
    datagrams.push_back(FrameBuilder()
                            .eth(kPeerMac, kOurMac)
                            .ipv4(kPeerIp, kOurIp, test::kAutoProto, 64, ident)
                            .udp(40000, 7)
                            .payload(test::pattern(4000))
                            .fragments(1480));
  std::vector<std::byte> buf(8192);
  auto once = [&](const std::vector<test::Frame>& frags) {
    for (const auto& f : frags) r.feed(f);
    auto n = s.recv(fd, buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 4000u);
  };
  for (const auto& d : datagrams) once(d);
  const auto before = allocations();
  for (int i = 0; i < 250; ++i) once(datagrams[i % datagrams.size()]);
  EXPECT_EQ(allocations() - before, 0u);
}

}  // namespace
}  // namespace strata
