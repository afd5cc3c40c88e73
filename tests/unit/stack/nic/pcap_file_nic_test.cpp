// SPDX-License-Identifier: MIT
// PcapReader / PcapWriter / PcapFileNic over real files (a per-test temp directory), link types from the
// tcpdump test captures, and the in-memory QueueNic.
#include "stack/nic/pcap_file_nic.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "stack/core/packet_buf.hpp"
#include "stack/nic/queue_nic.hpp"
#include "tests/support/bytes.hpp"
#include "tests/support/repo_root.hpp"
#include "tests/support/temp_dir.hpp"

namespace strata::nic {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::byte>;
using test::repo_root;
using test::view;

/// The tcpdump test captures (STRATA_CORPUS_DIR overrides the shared location).
fs::path corpus_dir() {
  if (const char* d = std::getenv("STRATA_CORPUS_DIR")) return d;
  return "/work/shared/corpus/tcpdump-tests";
}

#define REQUIRE_FILE(path)                                                      \
  do {                                                                          \
    if (!fs::exists(path)) GTEST_SKIP() << "capture not available: " << (path); \
  } while (0)

/// A fresh directory per test, removed at the end.
class PcapTest : public ::testing::Test {
 protected:
  fs::path path(const std::string& name) const { return tmp_.path(name); }

  std::unique_ptr<PcapReader> open(const fs::path& p) {
    std::string err;
    auto r = PcapReader::open(p.string(), err);
    EXPECT_TRUE(r) << err;
    return r;
  }
  /// Reads every record: its bytes, time and number.
  struct Rec {
    Bytes data;
    core::Instant time;
    std::uint64_t number;
    std::uint32_t wire_len;
  };
  static std::vector<Rec> read_all(PcapReader& r, PcapReader::Status* last = nullptr) {
    std::vector<Rec> out;
    PcapRecord rec;
    PcapReader::Status s;
    while ((s = r.next(rec)) == PcapReader::Status::Record)
      out.push_back(Rec{Bytes(rec.data.begin(), rec.data.end()), rec.time, rec.number, rec.wire_len});
    if (last) *last = s;
    return out;
  }

  test::TempDir tmp_{"strata_pcap_"};
};

Bytes frame_bytes(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = std::byte(static_cast<std::uint8_t>(seed + i * 3));
  return b;
}

// ---- writing and reading back ----

TEST_F(PcapTest, WrittenFramesReadBackIdenticallyWithNanosecondTimes) {
  const std::vector<std::pair<Bytes, core::Instant>> frames = {
      {frame_bytes(60, 1), core::instant_from_ns(1'700'000'000'123'456'789)},
      {frame_bytes(1514, 2), core::instant_from_ns(1'700'000'000'123'456'790)},
      {frame_bytes(14, 3), core::instant_from_ns(1'700'000'001'000'000'001)},
      {frame_bytes(9000, 4), core::instant_from_ns(1'700'000'002'999'999'999)},
      {Bytes{}, core::instant_from_ns(1'700'000'003'000'000'000)},
  };
  {
    std::string err;
    auto w = PcapWriter::open(path("out.pcap").string(), err);
    ASSERT_TRUE(w) << err;
    for (const auto& [b, t] : frames) w->write(view(b), t);
  }  // closed: flushed
  auto r = open(path("out.pcap"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->link_type(), LinkType::Ethernet);
  EXPECT_EQ(r->dlt(), 1);
  EXPECT_EQ(r->dlt_name(), "EN10MB");
  PcapReader::Status last;
  const auto recs = read_all(*r, &last);
  EXPECT_EQ(last, PcapReader::Status::End);
  ASSERT_EQ(recs.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(recs[i].data, frames[i].first);
    EXPECT_EQ(core::to_ns(recs[i].time), core::to_ns(frames[i].second));
    EXPECT_EQ(recs[i].number, i + 1);
    EXPECT_EQ(recs[i].wire_len, frames[i].first.size());
  }
  EXPECT_EQ(r->records_read(), frames.size());
  // End is sticky.
  PcapRecord rec;
  EXPECT_EQ(r->next(rec), PcapReader::Status::End);
}

TEST_F(PcapTest, FlushMakesRecordsVisibleBeforeClose) {
  std::string err;
  auto w = PcapWriter::open(path("live.pcap").string(), err);
  ASSERT_TRUE(w) << err;
  w->write(view(frame_bytes(42, 9)), core::instant_from_ns(5));
  w->flush();
  auto r = open(path("live.pcap"));
  ASSERT_TRUE(r);
  const auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].data, frame_bytes(42, 9));
  EXPECT_EQ(core::to_ns(recs[0].time), 5);
}

TEST_F(PcapTest, RawIpv4WriterWritesARawCapture) {
  std::string err;
  {
    auto w = PcapWriter::open(path("raw.pcap").string(), err, LinkType::RawIpv4);
    ASSERT_TRUE(w) << err;
    w->write(view(frame_bytes(20, 0x45)), core::instant_from_ns(1));
  }
  auto r = open(path("raw.pcap"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->link_type(), LinkType::RawIpv4);
  EXPECT_EQ(r->dlt_name(), "RAW");
}

// A cooked capture written as such: the file must not claim to be Ethernet.
TEST_F(PcapTest, WriterKeepsTheRequestedLinkType) {
  for (LinkType t : {LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::RawIpv4}) {
    SCOPED_TRACE(name(t));
    const auto p = path(std::string(name(t)) + ".pcap");
    {
      std::string err;
      auto w = PcapWriter::open(p.string(), err, t);
      ASSERT_TRUE(w) << err;
      w->write(view(frame_bytes(40, 1)), core::instant_from_ns(1));
    }
    auto r = open(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->link_type(), t);
  }
}

TEST_F(PcapTest, WriterForAnUnsupportedLinkTypeFails) {
  std::string err;
  EXPECT_EQ(PcapWriter::open(path("x.pcap").string(), err, LinkType::Unsupported), nullptr);
  EXPECT_FALSE(err.empty());
}

TEST_F(PcapTest, WriterInAMissingDirectoryFailsWithAMessage) {
  std::string err;
  auto w = PcapWriter::open(path("no/such/dir/out.pcap").string(), err);
  EXPECT_EQ(w, nullptr);
  EXPECT_FALSE(err.empty());
}

TEST_F(PcapTest, PcapFileNicWritesWhatItTransmits) {
  core::BufferPool pool(8, 1);
  {
    std::string err;
    auto w = PcapWriter::open(path("nic.pcap").string(), err);
    ASSERT_TRUE(w) << err;
    PcapFileNic nic(NicInfo{"cap0", {}, 1500, LinkType::Ethernet}, std::move(w));
    for (std::uint8_t i = 0; i < 3; ++i) {
      auto p = pool.allocate(64);
      ASSERT_TRUE(p);
      const auto b = frame_bytes(30 + i, i);
      std::copy(b.begin(), b.end(), p->append(b.size()).begin());
      ASSERT_TRUE(nic.transmit(std::move(*p), core::instant_from_ns(1000 * (i + 1))));
    }
    EXPECT_EQ(nic.sent(), 3u);
    EXPECT_EQ(pool.in_use(), 0u) << "transmitted frames go back to the pool";
  }                             // the NIC closes its file
  PcapFileNic sink(NicInfo{});  // no writer: frames vanish, still counted
  auto p = pool.allocate(10);
  ASSERT_TRUE(sink.transmit(std::move(*p), {}));
  EXPECT_EQ(sink.sent(), 1u);

  auto r = open(path("nic.pcap"));
  ASSERT_TRUE(r);
  const auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  for (std::uint8_t i = 0; i < 3; ++i) {
    EXPECT_EQ(recs[i].data, frame_bytes(30 + i, i));
    EXPECT_EQ(core::to_ns(recs[i].time), 1000 * (i + 1));
  }
}

// ---- link types of real captures ----

struct LinkCase {
  std::string file;  // relative to the corpus dir, or absolute
  LinkType link;
  std::string dlt_name;
  std::size_t records;
};

class PcapLinkType : public PcapTest, public ::testing::WithParamInterface<LinkCase> {};

TEST_P(PcapLinkType, MapsTheFilesLinkType) {
  const auto& c = GetParam();
  const fs::path p = fs::path(c.file).is_absolute() ? fs::path(c.file) : corpus_dir() / c.file;
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->link_type(), c.link) << name(r->link_type());
  EXPECT_EQ(r->dlt_name(), c.dlt_name);
  PcapReader::Status last;
  EXPECT_EQ(read_all(*r, &last).size(), c.records);
  EXPECT_EQ(last, PcapReader::Status::End);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, PcapLinkType,
    ::testing::Values(LinkCase{"ldp-common-session.pcap", LinkType::Ethernet, "EN10MB", 22},
                      LinkCase{"babel.pcap", LinkType::LinuxSll, "LINUX_SLL", 25},
                      LinkCase{(repo_root() / "captures/cooked-any.pcap").string(), LinkType::LinuxSll2,
                               "LINUX_SLL2", 6},
                      LinkCase{"LINKTYPE_RAW_ipv4.pcap", LinkType::RawIpv4, "RAW", 1},
                      LinkCase{"LINKTYPE_IPV4.pcap", LinkType::RawIpv4, "IPV4", 1},
                      LinkCase{"reason_code-0.pcap", LinkType::Unsupported, "IEEE802_11_RADIO", 1}),
    [](const ::testing::TestParamInfo<LinkCase>& i) {
      std::string n = std::string(name(i.param.link)) + "_" + i.param.dlt_name;
      for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST_F(PcapTest, MicrosecondCaptureTimesReadAsNanoseconds) {
  const auto p = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  const auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 22u);
  EXPECT_EQ(core::to_ns(recs[0].time), 1'691'670'239'828'062'000);
  EXPECT_EQ(recs[0].data.size(), 86u);
  EXPECT_EQ(core::to_ns(recs[4].time), 1'691'670'248'049'677'000);
  EXPECT_EQ(recs[21].wire_len, 84u);
}

TEST_F(PcapTest, ReadsPcapng) {
  const auto p = repo_root() / "captures/ping.pcapng";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->link_type(), LinkType::Ethernet);
  PcapReader::Status last;
  EXPECT_FALSE(read_all(*r, &last).empty());
  EXPECT_EQ(last, PcapReader::Status::End);
}

// ---- filters ----

TEST_F(PcapTest, FilterSkipsRecordsButNumbersCountEveryRecord) {
  const auto p = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  std::string err;
  ASSERT_TRUE(r->set_filter("udp", err)) << err;
  PcapReader::Status last;
  const auto recs = read_all(*r, &last);
  EXPECT_EQ(last, PcapReader::Status::End);
  // The untagged LDP hellos (UDP 646); the VLAN-tagged ones do not match a bare "udp".
  std::vector<std::uint64_t> numbers;
  for (const auto& rec : recs) numbers.push_back(rec.number);
  EXPECT_EQ(numbers, (std::vector<std::uint64_t>{5, 14, 18, 22}));
  EXPECT_EQ(r->records_read(), 22u);
  EXPECT_EQ(core::to_ns(recs.at(0).time), 1'691'670'248'049'677'000);
}

TEST_F(PcapTest, FilterMatchingNothingReadsToTheEnd) {
  const auto p = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  std::string err;
  ASSERT_TRUE(r->set_filter("icmp", err)) << err;
  EXPECT_TRUE(read_all(*r).empty());
  EXPECT_EQ(r->records_read(), 22u);
}

TEST_F(PcapTest, BadFilterFailsWithAMessageAndKeepsReading) {
  const auto p = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  std::string err;
  EXPECT_FALSE(r->set_filter("udp and (", err));
  EXPECT_FALSE(err.empty());
  err.clear();
  EXPECT_FALSE(r->set_filter("no_such_keyword 42", err));
  EXPECT_FALSE(err.empty());
  // No filter took effect.
  EXPECT_EQ(read_all(*r).size(), 22u);
}

TEST_F(PcapTest, ReplacingAFilterUsesTheNewOne) {
  const auto p = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  std::string err;
  ASSERT_TRUE(r->set_filter("udp", err));
  ASSERT_TRUE(r->set_filter("tcp", err));
  const auto recs = read_all(*r);
  EXPECT_EQ(recs.size(), 22u - 9u);  // 9 UDP records, tagged or not
}

// ---- damaged and missing files ----

/// Writes three records (100, 200 and 300 bytes), then returns the file size after record 2.
std::size_t write_three(const fs::path& p) {
  std::string err;
  auto w = PcapWriter::open(p.string(), err);
  EXPECT_TRUE(w) << err;
  for (int i = 1; i <= 3; ++i)
    w->write(view(frame_bytes(100 * i, static_cast<std::uint8_t>(i))), core::instant_from_ns(i));
  w.reset();
  return 24 + (16 + 100) + (16 + 200);
}

TEST_F(PcapTest, TruncatedRecordIsAnErrorAfterTheGoodRecords) {
  const auto p = path("cut.pcap");
  const std::size_t after2 = write_three(p);
  fs::resize_file(p, after2 + 16 + 150);  // record 3's header and half its data
  auto r = open(p);
  ASSERT_TRUE(r);
  PcapReader::Status last;
  const auto recs = read_all(*r, &last);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].data, frame_bytes(200, 2));
  EXPECT_EQ(last, PcapReader::Status::Error);
  EXPECT_NE(r->error().find("truncated"), std::string::npos) << r->error();
}

TEST_F(PcapTest, TruncatedRecordHeaderIsAnError) {
  const auto p = path("cut.pcap");
  const std::size_t after2 = write_three(p);
  fs::resize_file(p, after2 + 7);
  auto r = open(p);
  ASSERT_TRUE(r);
  PcapReader::Status last;
  EXPECT_EQ(read_all(*r, &last).size(), 2u);
  EXPECT_EQ(last, PcapReader::Status::Error);
  EXPECT_FALSE(r->error().empty());
}

TEST_F(PcapTest, TruncatedCorpusCaptureIsAnErrorWithAMessage) {
  const auto src = corpus_dir() / "ldp-common-session.pcap";
  REQUIRE_FILE(src);
  const auto p = path("ldp-cut.pcap");
  fs::copy_file(src, p);
  // Cut in the middle of record 6, found by reading the first 5.
  long long after5 = -1;
  {
    auto r = open(p);
    ASSERT_TRUE(r);
    PcapRecord rec;
    for (int i = 0; i < 5; ++i) ASSERT_EQ(r->next(rec), PcapReader::Status::Record);
    after5 = r->file_position();
  }
  ASSERT_GT(after5, 24);
  fs::resize_file(p, static_cast<std::uintmax_t>(after5) + 16 + 20);
  auto r = open(p);
  ASSERT_TRUE(r);
  PcapReader::Status last;
  const auto recs = read_all(*r, &last);
  EXPECT_EQ(recs.size(), 5u);
  EXPECT_EQ(last, PcapReader::Status::Error);
  EXPECT_FALSE(r->error().empty());
  EXPECT_EQ(r->records_read(), 5u);
}

TEST_F(PcapTest, FilePositionAdvancesRecordByRecord) {
  const auto p = path("three.pcap");
  write_three(p);
  auto r = open(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file_position(), 24);
  PcapRecord rec;
  ASSERT_EQ(r->next(rec), PcapReader::Status::Record);
  EXPECT_EQ(r->file_position(), 24 + 16 + 100);
}

TEST_F(PcapTest, NonexistentFileFailsWithAMessage) {
  std::string err;
  EXPECT_EQ(PcapReader::open(path("missing.pcap").string(), err), nullptr);
  EXPECT_FALSE(err.empty());
}

TEST_F(PcapTest, NonCaptureFileFailsWithAMessage) {
  const auto p = path("text.pcap");
  std::ofstream(p) << "this is not a capture file, just some text that is long enough\n";
  std::string err;
  EXPECT_EQ(PcapReader::open(p.string(), err), nullptr);
  EXPECT_FALSE(err.empty());
}

TEST_F(PcapTest, EmptyCaptureHasNoRecords) {
  const auto p = path("empty.pcap");
  {
    std::string err;
    auto w = PcapWriter::open(p.string(), err);
    ASSERT_TRUE(w) << err;
  }
  auto r = open(p);
  ASSERT_TRUE(r);
  PcapRecord rec;
  EXPECT_EQ(r->next(rec), PcapReader::Status::End);
  EXPECT_EQ(r->records_read(), 0u);
}

// ---- QueueNic ----

core::PacketBuf packet(core::BufferPool& pool, std::uint8_t tag) {
  auto p = pool.allocate(16);
  EXPECT_TRUE(p);
  for (auto& b : p->append(16)) b = std::byte(tag);
  return std::move(*p);
}

TEST(QueueNic, QueuesUpToItsCapacityAndCountsDrops) {
  core::BufferPool pool(16, 0);
  QueueNic nic(NicInfo{"q0", {}, 1500, LinkType::Ethernet}, 2);
  EXPECT_EQ(nic.info().name, "q0");
  EXPECT_TRUE(nic.transmit(packet(pool, 1), core::instant_from_ns(10)));
  EXPECT_TRUE(nic.transmit(packet(pool, 2), core::instant_from_ns(20)));
  auto r = nic.transmit(packet(pool, 3), core::instant_from_ns(30));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), core::Reason::NicQueueFull);
  EXPECT_EQ(nic.dropped(), 1u);
  EXPECT_EQ(nic.pending(), 2u);
  EXPECT_EQ(core::to_ns(nic.last_transmit()), 30);
  EXPECT_EQ(pool.in_use(), 2u) << "the refused frame went back to the pool";

  auto a = nic.take();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->bytes()[0], std::byte{1});
  EXPECT_TRUE(nic.transmit(packet(pool, 4), core::instant_from_ns(40)));
  auto b = nic.take();
  auto c = nic.take();
  ASSERT_TRUE(b && c);
  EXPECT_EQ(b->bytes()[0], std::byte{2});
  EXPECT_EQ(c->bytes()[0], std::byte{4});
  EXPECT_FALSE(nic.take());
  EXPECT_EQ(nic.pending(), 0u);
  EXPECT_EQ(nic.dropped(), 1u);
}

TEST(QueueNic, ZeroCapacityDropsEverything) {
  core::BufferPool pool(4, 0);
  QueueNic nic(NicInfo{}, 0);
  EXPECT_FALSE(nic.transmit(packet(pool, 1), {}));
  EXPECT_EQ(nic.dropped(), 1u);
  EXPECT_EQ(pool.in_use(), 0u);
}

TEST(QueueNic, ManyFramesKeepTheirOrder) {
  core::BufferPool pool(1024, 0);
  QueueNic nic(NicInfo{}, 1000);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 700; ++i) ASSERT_TRUE(nic.transmit(packet(pool, static_cast<std::uint8_t>(i)), {}));
    for (int i = 0; i < 700; ++i) {
      auto p = nic.take();
      ASSERT_TRUE(p);
      ASSERT_EQ(p->bytes()[0], std::byte(static_cast<std::uint8_t>(i)));
    }
  }
  EXPECT_EQ(pool.in_use(), 0u);
}

}  // namespace
}  // namespace strata::nic
