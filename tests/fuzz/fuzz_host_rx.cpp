// SPDX-License-Identifier: MIT
// Fuzz target: arbitrary bytes as a received frame, into hosts on every link type — an observer (replay) host
// and a configured host with a bound UDP socket that answers ARP, pings and errors — then time moves on so
// reassembly and ARP timers fire. Nothing may crash, read out of bounds or grow without bound.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "stack/host.hpp"
#include "stack/nic/queue_nic.hpp"

namespace {

using namespace strata;

struct Harness {
  core::BufferPool pool{256, 24};
  nic::QueueNic eth_nic{
      nic::NicInfo{"eth0", *wire::MacAddress::parse("02:00:00:00:00:01"), 1500, nic::LinkType::Ethernet}};
  nic::QueueNic sll_nic{nic::NicInfo{"any", {}, 65535, nic::LinkType::LinuxSll}};
  nic::QueueNic sll2_nic{nic::NicInfo{"any2", {}, 65535, nic::LinkType::LinuxSll2}};
  nic::QueueNic raw_nic{nic::NicInfo{"tun0", {}, 1500, nic::LinkType::RawIpv4}};
  Host observer{core::HostId{1}, HostConfig::observer(), pool, "observer"};
  Host host{core::HostId{2}, HostConfig{}, pool, "host"};
  core::NicId obs_ids[4];
  core::NicId host_eth, host_raw;
  int fd = -1;
  core::Instant now = core::instant_from_ns(1'000'000'000);

  Harness() {
    obs_ids[0] = observer.attach(eth_nic, {});
    obs_ids[1] = observer.attach(sll_nic, {});
    obs_ids[2] = observer.attach(sll2_nic, {});
    obs_ids[3] = observer.attach(raw_nic, {});
    host_eth =
        host.attach(eth_nic, InterfaceConfig{wire::Ipv4Cidr::parse("10.0.0.1/24"), std::nullopt, true});
    host_raw =
        host.attach(raw_nic, InterfaceConfig{wire::Ipv4Cidr::parse("10.1.0.1/16"), std::nullopt, false});
    host.ipv4().routes().add(
        net::Route{*wire::Ipv4Cidr::parse("0.0.0.0/0"), wire::Ipv4Address::parse("10.0.0.254"), host_eth, 0});
    fd = host.sockets().socket(socket::kAfInet, socket::kSockDgram).value();
    (void)host.sockets().bind(fd, socket::SockAddrIn{{}, 7});
  }
  void drain() {
    for (auto* n : {&eth_nic, &sll_nic, &sll2_nic, &raw_nic})
      while (n->take()) {
      }
    std::byte buf[2048];
    while (host.sockets().recv(fd, buf)) {
    }
  }
  void feed(core::Bytes frame) {
    now += std::chrono::milliseconds(1);
    core::RxReport report;
    // Longer on the wire than captured (a snaplen cut): what IPv4 reports from the wire length (a TSO total
    // length of 0) must still read only the captured bytes.
    report.frame_len = static_cast<std::uint32_t>(frame.size() * 2);
    for (auto id : obs_ids) observer.handle_frame(id, frame, now, &report);
    host.handle_frame(host_eth, frame, now);
    host.handle_frame(host_raw, frame, now);
    drain();
  }
  void tick() {
    now += std::chrono::seconds(40);  // past the reassembly timeout and ARP retries
    observer.advance(now);
    host.advance(now);
    drain();
  }
};

Harness& harness() {
  static auto h = std::make_unique<Harness>();
  return *h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& h = harness();
  h.feed(core::as_bytes(data, size));
  // Occasionally let time pass so timers run with whatever state the inputs left behind.
  if (size > 0 && data[0] == 0x42) h.tick();
  return 0;
}
