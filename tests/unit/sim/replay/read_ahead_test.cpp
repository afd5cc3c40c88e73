// SPDX-License-Identifier: MIT
// The replay's read-ahead thread (sim/replay/read_ahead.hpp) over a mapped capture: it faults pages in a
// window ahead of the reader and releases them behind it, the reader still sees every byte, and it stops
// promptly. Then strata replay over a capture large enough to get the thread: the same output as libpcap
// reading the same bytes itself (through a FIFO), and a file cut short still reports the packets before the
// cut.
#include "sim/replay/read_ahead.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sim/replay/replay_runner.hpp"
#include "stack/nic/pcap_file_nic.hpp"
#include "tests/support/temp_dir.hpp"

namespace strata::sim {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::byte>;

class ReplayReadAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A reader that stops early (--limit, an error) closes the FIFO under the feeder: EPIPE, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
  }
  fs::path path(const std::string& name) const { return tmp_.path(name); }

  /// `n` Ethernet/IPv4/UDP frames of 60 to ~1500 bytes (some with a bad IPv4 checksum, so that verdicts
  /// vary), one microsecond apart.
  fs::path write_capture(const std::string& name, int n) {
    std::string err;
    auto w = nic::PcapWriter::open(path(name).string(), err);
    EXPECT_TRUE(w) << err;
    Bytes f;
    for (int i = 0; i < n; ++i) {
      const std::size_t len = 60 + (static_cast<std::size_t>(i) * 97) % 1455;
      f.assign(len, std::byte{0});
      for (std::size_t k = 0; k < 12; ++k) f[k] = std::byte(static_cast<std::uint8_t>(0x02 + k));
      f[12] = std::byte{0x08};  // IPv4
      const std::size_t ip_len = len - 14;
      const std::uint8_t ip[20] = {0x45,
                                   0,
                                   static_cast<std::uint8_t>(ip_len >> 8),
                                   static_cast<std::uint8_t>(ip_len),
                                   static_cast<std::uint8_t>(i >> 8),
                                   static_cast<std::uint8_t>(i),
                                   0x40,
                                   0,
                                   64,
                                   17,
                                   0,
                                   0,
                                   10,
                                   0,
                                   0,
                                   1,
                                   10,
                                   0,
                                   0,
                                   2};
      for (std::size_t k = 0; k < 20; ++k) f[14 + k] = std::byte(ip[k]);
      std::uint32_t sum = 0;
      for (std::size_t k = 0; k < 20; k += 2) sum += (ip[k] << 8) | ip[k + 1];
      while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
      const std::uint16_t csum = static_cast<std::uint16_t>(~sum ^ (i % 5 == 0 ? 1 : 0));  // every 5th is bad
      f[24] = std::byte(static_cast<std::uint8_t>(csum >> 8));
      f[25] = std::byte(static_cast<std::uint8_t>(csum));
      const std::size_t udp_len = ip_len - 20;
      const std::uint8_t udp[8] = {
          0x30, 0x39, 0x00, 0x35, static_cast<std::uint8_t>(udp_len >> 8), static_cast<std::uint8_t>(udp_len),
          0,    0};
      for (std::size_t k = 0; k < 8; ++k) f[34 + k] = std::byte(udp[k]);
      for (std::size_t k = 42; k < len; ++k) f[k] = std::byte(static_cast<std::uint8_t>(i + k));
      w->write(core::Bytes(f.data(), f.size()),
               core::instant_from_ns(1'700'000'000'000'000'000 + i * 1000LL));
    }
    return path(name);
  }

  /// Replays `file` with `options` (capture set here); stdout and stderr as strings, and the exit status.
  struct Run {
    int status = -1;
    std::string out, err;
  };
  static Run replay(const fs::path& file, ReplayOptions options) {
    options.capture = file.string();
    options.progress = false;
    Run r;
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    r.status = run_replay(options, out, err);
    auto slurp = [](std::FILE* f) {
      std::string s;
      std::rewind(f);
      char buf[65536];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
      std::fclose(f);
      return s;
    };
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  /// Replays the bytes of `file` through a FIFO: libpcap reads them itself (no mapping, no read-ahead).
  Run replay_through_fifo(const fs::path& file, ReplayOptions options) {
    const auto fifo = path("fifo");
    EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::jthread feeder([&] {
      std::ifstream in(file, std::ios::binary);
      std::ofstream out(fifo, std::ios::binary);
      out << in.rdbuf();
    });
    auto r = replay(fifo, std::move(options));
    // The error message names the file it read.
    for (std::size_t at; (at = r.err.find(fifo.string())) != std::string::npos;)
      r.err.replace(at, fifo.string().size(), file.string());
    return r;
  }

  /// Waits (up to 10 s) for `done` to hold.
  static bool eventually(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  test::TempDir tmp_{"strata_readahead_"};
};

TEST_F(ReplayReadAheadTest, FaultsAWindowAheadAndReleasesBehindTheReader) {
  const auto file = write_capture("a.pcap", 2000);  // about 1.5 MB
  std::string err;
  auto reader = nic::PcapReader::open(file.string(), err);
  ASSERT_TRUE(reader) << err;
  const core::Bytes map = reader->mapped_file();
  ASSERT_EQ(map.size(), fs::file_size(file));
  const Bytes before(map.begin(), map.end());

  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  ReadAhead ahead(map, ReadAhead::Config{64 * 1024, 16 * 1024, 32 * 1024});
  const std::size_t chunk = ahead.chunk();
  EXPECT_EQ(chunk % page, 0u);
  // Before the reader says anything: the first window.
  EXPECT_TRUE(eventually([&] { return ahead.done().faulted >= 64 * 1024; }));
  EXPECT_EQ(ahead.done().released, 0u);
  EXPECT_EQ(ahead.done().warmed, 32u * 1024);
  // The reader moves on: a window past it is faulted, a smaller one read into the cache, all but the last
  // chunk behind it released.
  for (std::uint64_t pos = 100'000; pos < map.size(); pos += 150'000) {
    SCOPED_TRACE(pos);
    ahead.reader_at(pos);
    EXPECT_TRUE(eventually([&] {
      const auto d = ahead.done();
      return d.faulted >= std::min<std::uint64_t>(map.size(), pos + 64 * 1024) &&
             d.warmed >= std::min<std::uint64_t>(map.size(), pos + 32 * 1024) && d.released + 2 * chunk > pos;
    }));
    const auto d = ahead.done();
    EXPECT_LE(d.warmed, d.faulted);
    EXPECT_LE(d.warmed, pos + 32 * 1024 + 64);
    EXPECT_LE(d.released + chunk, pos);
    EXPECT_EQ(d.released % chunk, 0u);
  }
  // Released pages read back from the file, unchanged.
  EXPECT_TRUE(Bytes(map.begin(), map.end()) == before);
}

// Once the work ahead of the reader is done the thread polls briefly, then sleeps: whatever the warm window
// (none, smaller than a line, a few lines), it reaches the end and stops using the CPU. The bound is loose
// (a spinning thread would use all of the 300 ms).
TEST_F(ReplayReadAheadTest, FinishesAndThenSleepsWhateverTheWarmWindow) {
  const auto file = write_capture("w.pcap", 500);
  std::string err;
  auto reader = nic::PcapReader::open(file.string(), err);
  ASSERT_TRUE(reader) << err;
  const core::Bytes map = reader->mapped_file();
  auto cpu_now = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  };
  for (std::size_t warm : {std::size_t{0}, std::size_t{3}, std::size_t{100}, std::size_t{8192}}) {
    SCOPED_TRACE(warm);
    ReadAhead ahead(map, ReadAhead::Config{16 * 1024, 4096, warm});
    const std::uint64_t pos = map.size() - 1000;
    ahead.reader_at(pos);
    EXPECT_TRUE(eventually([&] {
      const auto d = ahead.done();
      return d.faulted >= map.size() && d.warmed >= std::min<std::uint64_t>(map.size(), pos + warm);
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the polling
    const auto cpu0 = cpu_now();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LT(cpu_now() - cpu0, std::chrono::milliseconds(100));
  }
}

TEST_F(ReplayReadAheadTest, StopsPromptlyWhateverItIsDoing) {
  const auto file = write_capture("s.pcap", 500);
  std::string err;
  auto reader = nic::PcapReader::open(file.string(), err);
  ASSERT_TRUE(reader) << err;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    ReadAhead idle(reader->mapped_file(), {});  // waits for a reader that never comes
    ReadAhead busy(reader->mapped_file(), ReadAhead::Config{4096, 4096});
    busy.reader_at(reader->mapped_file().size());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

// Large enough for the replay to start the read-ahead thread (8 MB and up), and with --limit and --filter
// too.
TEST_F(ReplayReadAheadTest, ReplayOfALargeCaptureIsTheSameAsLibpcapReadingItself) {
  const auto file = write_capture("big.pcap", 12000);  // about 9 MB
  ASSERT_GE(fs::file_size(file), 8u << 20);
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    ReplayOptions o;
    o.json = variant != 2;
    o.stats = variant == 2;
    if (variant == 1) {
      o.limit = 7000;
      o.filter = "ip[5] & 1 == 0";  // every other packet, by IP id
    }
    const auto mapped = replay(file, o);
    const auto own = replay_through_fifo(file, o);
    fs::remove(path("fifo"));
    EXPECT_EQ(mapped.status, 0) << mapped.err;
    EXPECT_EQ(own.status, 0) << own.err;
    EXPECT_FALSE(mapped.out.empty());
    if (variant == 2) {
      // The last line has the rate, which differs from run to run.
      auto cut = [](const std::string& s) { return s.substr(0, s.rfind(" in ")); };
      EXPECT_EQ(cut(mapped.out), cut(own.out));
      EXPECT_NE(mapped.out.find("12000 packets"), std::string::npos) << mapped.out;
    } else {
      EXPECT_TRUE(mapped.out == own.out);
      const auto lines = std::count(mapped.out.begin(), mapped.out.end(), '\n');
      EXPECT_EQ(lines, variant == 1 ? 6000 : 12000);
    }
  }
}

TEST_F(ReplayReadAheadTest, ReplayOfALargeCaptureCutShortReportsThePacketsBeforeTheCut) {
  const auto file = write_capture("cut.pcap", 12000);
  fs::resize_file(file, fs::file_size(file) - 700);  // inside the last record
  ReplayOptions o;
  o.json = true;
  const auto mapped = replay(file, o);
  EXPECT_EQ(mapped.status, 2);
  EXPECT_EQ(std::count(mapped.out.begin(), mapped.out.end(), '\n'), 11999);
  EXPECT_NE(mapped.err.find(file.string() + ": record 12000: truncated"), std::string::npos) << mapped.err;
  const auto own = replay_through_fifo(file, o);
  EXPECT_EQ(own.status, 2);
  EXPECT_TRUE(mapped.out == own.out);
  EXPECT_EQ(mapped.err, own.err);
}

}  // namespace
}  // namespace strata::sim
