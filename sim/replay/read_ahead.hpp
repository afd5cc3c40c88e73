// SPDX-License-Identifier: MIT
// Read-ahead for a capture that libpcap reads in place from a mapping (nic::PcapReader::mapped_file): a
// thread of its own faults the pages in a window ahead of the reader and releases them a chunk behind it.
// The kernel's share of reading a file (mapping each page, unmapping it) then runs on another core while the
// stack runs on this one, and the mapped part of the file stays within the window whatever the file's size.
// Closer to the reader (about 1 MB ahead: within the cache the two cores share) it also reads every cache
// line once, so that libpcap's copy of each record (the one copy it makes: it has no zero-copy read for
// files) finds its bytes in the cache, not in memory. A replay of a large capture is bound by memory
// bandwidth, and one core alone streams it at a fraction of what two reach.
//
// The reader publishes its position with one atomic store, a few times per warm window; the thread works
// while there is work, then polls for a while, and only then sleeps, so that a reader going at full speed
// never pays for a wake-up.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>

#include "stack/core/bytes.hpp"

namespace strata::sim {

class ReadAhead {
 public:
  struct Config {
    std::size_t window = 32u << 20;  // faulted in ahead of the reader
    std::size_t chunk = 2u << 20;    // the unit of work (rounded up to pages)
    std::size_t warm = 1u << 20;     // read into the cache ahead of the reader (at most the window)
  };
  /// Starts the thread over `file`, which must outlive this object. Throws std::system_error when no thread
  /// can be started (the reader then simply faults the pages in itself).
  ReadAhead(core::Bytes file, Config config);
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead() = default;  // the jthread asks the loop to stop (which wakes its wait) and joins it

  /// The reader is at byte `pos` of the file (the reader's own thread). Cheap: call it every warm() / 8 bytes
  /// or so.
  void reader_at(std::uint64_t pos);
  std::size_t chunk() const { return chunk_; }
  std::size_t warm() const { return warm_; }

  /// For tests: how far the thread has got ([0, released) given back, [0, faulted) faulted in or passed,
  /// [0, warmed) read into the cache or passed).
  struct Done {
    std::size_t faulted = 0, released = 0, warmed = 0;
  };
  Done done() const;

 private:
  void run(const std::stop_token& stop);

  const std::byte* base_;
  const std::size_t len_, window_, chunk_, warm_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::atomic<std::uint64_t> reader_{0};
  std::atomic<bool> sleeping_{false};  // the thread waits on wake_ (or is about to): reader_at() must notify
  Done done_;                          // guarded by mutex_
  std::jthread thread_;                // last: starts after, and is joined before, the members it uses
};

}  // namespace strata::sim
