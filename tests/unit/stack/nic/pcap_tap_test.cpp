// SPDX-License-Identifier: MIT
// PcapTap: sends and receives of a wrapped NIC written to a capture in call order with their instants, the
// sends still reaching the wrapped NIC; the file reads back through PcapReader (and through tshark when it is
// installed).
#include "stack/nic/pcap_tap.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/nic/queue_nic.hpp"
#include "tests/support/bytes.hpp"
#include "tests/support/temp_dir.hpp"

namespace strata::nic {
namespace {

namespace fs = std::filesystem;
using Frame = std::vector<std::byte>;
using test::view;

const wire::MacAddress kMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};

/// An Ethernet frame of `n` bytes (n >= 14): broadcast destination, our source, an EtherType tshark knows
/// (IPv4 would ask for a valid header; 0x88b5 is the IEEE local experimental type), then a pattern.
Frame ethernet_frame(std::size_t n, std::uint8_t seed) {
  Frame f(n);
  for (std::size_t i = 0; i < 6; ++i) f[i] = std::byte{0xff};
  kMac.store(f.data() + 6);
  f[12] = std::byte{0x88};
  f[13] = std::byte{0xb5};
  for (std::size_t i = 14; i < n; ++i) f[i] = std::byte(static_cast<std::uint8_t>(seed + i));
  return f;
}

class PcapTapTest : public ::testing::Test {
 protected:
  fs::path path(const std::string& name) const { return tmp_.path(name); }

  core::PacketBuf packet(const Frame& bytes) {
    auto p = pool_.allocate(bytes.size());
    EXPECT_TRUE(p);
    auto out = p->append(bytes.size());
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return std::move(*p);
  }

  struct Record {
    Frame data;
    std::int64_t ns;
  };
  std::vector<Record> read_back(const fs::path& p) {
    std::string err;
    auto r = PcapReader::open(p.string(), err);
    EXPECT_TRUE(r) << err;
    std::vector<Record> out;
    if (!r) return out;
    EXPECT_EQ(r->link_type(), LinkType::Ethernet);
    PcapRecord rec;
    PcapReader::Status s;
    while ((s = r->next(rec)) == PcapReader::Status::Record)
      out.push_back(Record{Frame(rec.data.begin(), rec.data.end()), core::to_ns(rec.time)});
    EXPECT_EQ(s, PcapReader::Status::End) << r->error();
    return out;
  }

  test::TempDir tmp_{"strata_pcap_tap_"};
  core::BufferPool pool_{64, 1};
  QueueNic inner_{NicInfo{"eth0", kMac, 1500, LinkType::Ethernet}, 16};
};

TEST_F(PcapTapTest, ForwardsInfoOfTheWrappedNic) {
  PcapTap tap(inner_, nullptr);
  EXPECT_EQ(&tap.info(), &inner_.info());
  EXPECT_EQ(tap.info().name, "eth0");
  EXPECT_EQ(tap.info().mac, kMac);
  EXPECT_EQ(&tap.inner(), &inner_);
}

TEST_F(PcapTapTest, WritesBothDirectionsInCallOrderWithTheirInstants) {
  std::string err;
  auto tap = PcapTap::open(inner_, path("tap.pcap").string(), err);
  ASSERT_TRUE(tap) << err;
  EXPECT_TRUE(tap->writing());
  struct Step {
    bool tx;
    Frame frame;
    std::int64_t ns;
  };
  const std::vector<Step> steps = {
      {true, ethernet_frame(60, 1), 1'000'000'000'000'000'001},
      {false, ethernet_frame(98, 2), 1'000'000'000'123'456'789},
      {false, ethernet_frame(1514, 3), 1'000'000'000'123'456'790},
      {true, ethernet_frame(14, 4), 1'000'000'001'999'999'999},
      {true, ethernet_frame(342, 5), 1'000'000'002'000'000'000},
      {false, ethernet_frame(60, 6), 1'000'000'002'000'000'000},
  };
  for (const auto& s : steps) {
    if (s.tx)
      EXPECT_TRUE(tap->transmit(packet(s.frame), core::instant_from_ns(s.ns)));
    else
      tap->record_rx(view(s.frame), core::instant_from_ns(s.ns));
  }
  EXPECT_EQ(tap->frames_written(), steps.size());
  EXPECT_EQ(tap->tx_written(), 3u);
  EXPECT_EQ(tap->rx_written(), 3u);

  // The sends reached the wrapped NIC unchanged, in order; the receives did not.
  std::vector<Frame> sent;
  while (auto p = inner_.take())
    sent.emplace_back(std::as_const(*p).bytes().begin(), std::as_const(*p).bytes().end());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], steps[0].frame);
  EXPECT_EQ(sent[1], steps[3].frame);
  EXPECT_EQ(sent[2], steps[4].frame);
  EXPECT_EQ(core::to_ns(inner_.last_transmit()), steps[4].ns);

  tap.reset();  // closes (and flushes) the file
  const auto recs = read_back(path("tap.pcap"));
  ASSERT_EQ(recs.size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(recs[i].data, steps[i].frame);
    EXPECT_EQ(recs[i].ns, steps[i].ns);  // nanosecond resolution kept
  }
}

TEST_F(PcapTapTest, FlushMakesWrittenFramesReadableWhileTheTapIsOpen) {
  std::string err;
  auto tap = PcapTap::open(inner_, path("live.pcap").string(), err);
  ASSERT_TRUE(tap) << err;
  const auto f = ethernet_frame(64, 9);
  tap->record_rx(view(f), core::instant_from_ns(5));
  tap->flush();
  const auto recs = read_back(path("live.pcap"));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].data, f);
  EXPECT_EQ(recs[0].ns, 5);
}

TEST_F(PcapTapTest, ReturnsWhatTheWrappedNicSaysAndKeepsTheFrameInTheCapture) {
  QueueNic tiny(NicInfo{"eth0", kMac, 1500, LinkType::Ethernet}, 1);
  std::string err;
  auto tap = PcapTap::open(tiny, path("full.pcap").string(), err);
  ASSERT_TRUE(tap) << err;
  const auto f = ethernet_frame(60, 1);
  EXPECT_TRUE(tap->transmit(packet(f), core::instant_from_ns(1)));
  auto second = tap->transmit(packet(f), core::instant_from_ns(2));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), core::Reason::NicQueueFull);
  EXPECT_EQ(tiny.dropped(), 1u);
  EXPECT_EQ(tap->tx_written(), 2u);  // the host sent it: the capture shows it, as tcpdump would
  tap.reset();
  EXPECT_EQ(read_back(path("full.pcap")).size(), 2u);
}

TEST_F(PcapTapTest, WithoutAWriterPassesFramesThroughAndWritesNothing) {
  PcapTap tap(inner_, nullptr);
  EXPECT_FALSE(tap.writing());
  const auto f = ethernet_frame(60, 1);
  EXPECT_TRUE(tap.transmit(packet(f), core::instant_from_ns(1)));
  tap.record_rx(view(f), core::instant_from_ns(2));
  tap.flush();
  EXPECT_EQ(tap.frames_written(), 0u);
  EXPECT_EQ(inner_.pending(), 1u);
}

TEST_F(PcapTapTest, OpenFailsWithAMessageForAnUnwritablePath) {
  std::string err;
  auto tap = PcapTap::open(inner_, (tmp_.dir() / "no-such-dir" / "x.pcap").string(), err);
  EXPECT_FALSE(tap);
  EXPECT_FALSE(err.empty());
}

TEST_F(PcapTapTest, OpenWritesTheLinkTypeOfTheWrappedNic) {
  QueueNic raw(NicInfo{"tun0", {}, 1500, LinkType::RawIpv4}, 4);
  std::string err;
  auto tap = PcapTap::open(raw, path("raw.pcap").string(), err);
  ASSERT_TRUE(tap) << err;
  tap.reset();
  auto r = PcapReader::open(path("raw.pcap").string(), err);
  ASSERT_TRUE(r) << err;
  EXPECT_EQ(r->link_type(), LinkType::RawIpv4);
}

TEST_F(PcapTapTest, TsharkReadsTheCapture) {
  if (std::system("command -v tshark > /dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  std::string err;
  auto tap = PcapTap::open(inner_, path("tshark.pcap").string(), err);
  ASSERT_TRUE(tap) << err;
  for (int i = 0; i < 4; ++i) {
    const auto f = ethernet_frame(60 + 10 * i, static_cast<std::uint8_t>(i));
    if (i % 2 == 0)
      ASSERT_TRUE(tap->transmit(packet(f), core::instant_from_ns(1'700'000'000'000'000'000 + i)));
    else
      tap->record_rx(view(f), core::instant_from_ns(1'700'000'000'000'000'000 + i));
  }
  tap.reset();
  const std::string cmd =
      "tshark -r '" + path("tshark.pcap").string() + "' > '" + path("tshark.txt").string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 0);
}

}  // namespace
}  // namespace strata::nic
