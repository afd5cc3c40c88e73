// SPDX-License-Identifier: MIT
// PcapReader over a mapped regular file (libpcap reads the mapping in place through a stdio stream) against
// libpcap reading the same bytes itself (through a FIFO, which cannot be mapped): same records, same order,
// same errors; and the mapping and progress hooks the replay's read-ahead uses.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "stack/nic/pcap_file_nic.hpp"
#include "tests/support/repo_root.hpp"
#include "tests/support/temp_dir.hpp"

namespace strata::nic {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::byte>;
using test::repo_root;

struct Rec {
  Bytes data;
  std::int64_t ns;
  std::uint64_t number;
  std::uint32_t wire_len;
  bool operator==(const Rec&) const = default;
};

struct ReadResult {
  std::vector<Rec> recs;
  PcapReader::Status last = PcapReader::Status::End;
  std::string error;
  std::uint64_t records_read = 0;
};

ReadResult read_all(PcapReader& r) {
  ReadResult out;
  PcapRecord rec;
  while ((out.last = r.next(rec)) == PcapReader::Status::Record)
    out.recs.push_back(
        Rec{Bytes(rec.data.begin(), rec.data.end()), core::to_ns(rec.time), rec.number, rec.wire_len});
  out.error = r.error();
  out.records_read = r.records_read();
  return out;
}

class PcapMappedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A reader that stops early (--limit, an error) closes the FIFO under the feeder: EPIPE, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
  }
  fs::path path(const std::string& name) const { return tmp_.path(name); }

  /// `n` frames of varied lengths (14 to ~1500 bytes, one empty), content derived from the index.
  fs::path write_capture(const std::string& name, int n) {
    std::string err;
    auto w = PcapWriter::open(path(name).string(), err);
    EXPECT_TRUE(w) << err;
    for (int i = 0; i < n; ++i) {
      Bytes b(i == 7 ? 0 : 14 + (i * 37) % 1500);
      for (std::size_t k = 0; k < b.size(); ++k) b[k] = std::byte(static_cast<std::uint8_t>(i + k * 7));
      w->write(core::Bytes(b.data(), b.size()), core::instant_from_ns(1'700'000'000'000'000'000 + i * 1001));
    }
    return path(name);
  }

  /// The same file read by libpcap itself: its bytes through a FIFO.
  ReadResult read_through_fifo(const fs::path& file) {
    const auto fifo = path("fifo");
    EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::jthread feeder([&] {
      std::ifstream in(file, std::ios::binary);
      std::ofstream out(fifo, std::ios::binary);  // blocks until the reader opens its end
      out << in.rdbuf();
    });
    std::string err;
    auto r = PcapReader::open(fifo.string(), err);
    EXPECT_TRUE(r) << err;
    if (!r) return {};
    EXPECT_TRUE(r->mapped_file().empty()) << "a FIFO cannot be mapped";
    return read_all(*r);
  }

  test::TempDir tmp_{"strata_pcapmap_"};
};

TEST_F(PcapMappedTest, MappedFileReadsLikeLibpcapReadingItself) {
  const auto file = write_capture("a.pcap", 500);
  std::string err;
  auto r = PcapReader::open(file.string(), err);
  ASSERT_TRUE(r) << err;
  EXPECT_EQ(r->mapped_file().size(), fs::file_size(file));
  const auto mapped = read_all(*r);
  EXPECT_EQ(mapped.last, PcapReader::Status::End) << mapped.error;
  ASSERT_EQ(mapped.recs.size(), 500u);
  EXPECT_EQ(r->file_position(), static_cast<long long>(fs::file_size(file)));
  const auto own = read_through_fifo(file);
  EXPECT_EQ(own.last, PcapReader::Status::End);
  EXPECT_TRUE(mapped.recs == own.recs);
}

TEST_F(PcapMappedTest, PcapngMappedReadsLikeLibpcapReadingItself) {
  const auto file = repo_root() / "captures" / "ping.pcapng";
  if (!fs::exists(file)) GTEST_SKIP() << "no " << file;
  std::string err;
  auto r = PcapReader::open(file.string(), err);
  ASSERT_TRUE(r) << err;
  EXPECT_FALSE(r->mapped_file().empty());
  const auto mapped = read_all(*r);
  EXPECT_EQ(mapped.last, PcapReader::Status::End) << mapped.error;
  EXPECT_FALSE(mapped.recs.empty());
  EXPECT_TRUE(mapped.recs == read_through_fifo(file).recs);
}

// A cut inside a record: the records before it, then the error libpcap gives when it reads the file itself.
TEST_F(PcapMappedTest, TruncatedMappedFileFailsAtTheSameRecordAsLibpcapItself) {
  const auto full = write_capture("full.pcap", 200);
  for (const std::uintmax_t cut :
       {fs::file_size(full) / 2, fs::file_size(full) - 1, std::uintmax_t{24 + 10}}) {
    SCOPED_TRACE(cut);
    const auto file = path("cut.pcap");
    fs::copy_file(full, file, fs::copy_options::overwrite_existing);
    fs::resize_file(file, cut);
    std::string err;
    auto r = PcapReader::open(file.string(), err);
    ASSERT_TRUE(r) << err;
    const auto mapped = read_all(*r);
    EXPECT_EQ(mapped.last, PcapReader::Status::Error);
    EXPECT_NE(mapped.error.find("truncated"), std::string::npos) << mapped.error;
    EXPECT_EQ(mapped.records_read, mapped.recs.size()) << "the failing record is the one after those read";
    const auto own = read_through_fifo(file);
    fs::remove(path("fifo"));
    EXPECT_EQ(own.last, PcapReader::Status::Error);
    EXPECT_EQ(mapped.error, own.error);
    EXPECT_TRUE(mapped.recs == own.recs);
  }
}

TEST_F(PcapMappedTest, ProgressIsReportedInOrderAboutEveryStep) {
  const auto file = write_capture("p.pcap", 3000);  // about 2.2 MB
  const auto size = fs::file_size(file);
  std::string err;
  auto r = PcapReader::open(file.string(), err);
  ASSERT_TRUE(r) << err;
  std::vector<std::uint64_t> seen;
  r->on_progress(64 * 1024, [&](std::uint64_t pos) { seen.push_back(pos); });
  const auto res = read_all(*r);
  EXPECT_EQ(res.last, PcapReader::Status::End);
  ASSERT_GT(seen.size(), size / (64 * 1024) / 2);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_LE(seen[i], size);
    EXPECT_GE(seen[i], (i + 1) * 64 * 1024);
    if (i > 0) {
      EXPECT_GE(seen[i], seen[i - 1] + 64 * 1024);
    }
  }
}

TEST_F(PcapMappedTest, NonCaptureAndEmptyFilesFailWithAMessage) {
  std::ofstream(path("text.pcap")) << std::string(4096, 'x');
  std::ofstream(path("empty.pcap")).flush();
  for (const char* name : {"text.pcap", "empty.pcap"}) {
    SCOPED_TRACE(name);
    std::string err;
    EXPECT_EQ(PcapReader::open(path(name).string(), err), nullptr);
    EXPECT_FALSE(err.empty());
  }
}

}  // namespace
}  // namespace strata::nic
