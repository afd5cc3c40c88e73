// SPDX-License-Identifier: MIT
#include "sim/replay/read_ahead.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace strata::sim {

namespace {
std::size_t page_size() {
  return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}
// madvise takes page-aligned ranges; the mapping starts on a page, so chunk boundaries must be pages too.
std::size_t round_to_page(std::size_t n) {
  const std::size_t page = page_size();
  return std::max(page, (n + page - 1) / page * page);
}
}  // namespace

ReadAhead::ReadAhead(core::Bytes file, Config config)
    : base_(file.data()),
      len_(file.size()),
      window_(config.window),
      chunk_(round_to_page(config.chunk)),
      warm_(std::min(config.warm, config.window)) {
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

void ReadAhead::reader_at(std::uint64_t pos) {
  // seq_cst on both sides (the store here, then the load of sleeping_; sleeping_'s store, then the load of
  // reader_ in run()): either the thread sees the new position, or this sees it sleeping and wakes it.
  reader_.store(pos);
  if (sleeping_.load()) {
    { std::lock_guard lock(mutex_); }  // the thread is inside wait() or has not yet checked: no lost wake-up
    wake_.notify_one();
  }
}

ReadAhead::Done ReadAhead::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

void ReadAhead::run(const std::stop_token& stop) {
  ::pthread_setname_np(::pthread_self(), "strata-readahd");  // so that it shows in perf and top
  const std::size_t page = page_size();
  constexpr std::size_t kLine = 64;
  std::size_t faulted = 0;   // [0, faulted) is faulted in, or behind the reader
  std::size_t released = 0;  // [0, released) is given back
  std::size_t warmed = 0;    // [0, warmed) has been read into the cache, or is behind the reader
  const auto* bytes = static_cast<const volatile std::byte*>(base_);
  auto publish = [&] {
    std::lock_guard lock(mutex_);
    done_ = {faulted, released, warmed};
  };
  // Work is lines to read into the cache up to warm_ past the reader, pages to fault in up to a window past
  // it, or a whole chunk to release behind it (one chunk is kept: the record being read may have started
  // there).
  auto has_work = [&](std::uint64_t reader) {
    return warmed < std::min<std::uint64_t>(len_, reader + warm_) ||
           faulted < std::min<std::uint64_t>(len_, reader + window_) || released + 2 * chunk_ <= reader;
  };
  publish();
  while (!stop.stop_requested()) {
    std::uint64_t reader = reader_.load();
    if (!has_work(reader)) {
      // Poll for a while (the reader moves on within microseconds when it is going at full speed), then
      // sleep until reader_at() or the stop wakes us.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
      for (int i = 0; !has_work(reader = reader_.load()) && !stop.stop_requested(); ++i) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) {
          sleeping_.store(true);
          std::unique_lock lock(mutex_);
          wake_.wait(lock, stop, [&] { return has_work(reader_.load()); });
          sleeping_.store(false);
          break;
        }
      }
      continue;
    }
    const std::size_t at = std::min<std::uint64_t>(reader, len_);
    std::byte sink{};
    // First the lines just ahead of the reader, a slice at a time so that a fast reader is never left behind:
    // one read per line, which faults the page in if needed. The line then waits in the cache the cores
    // share for the reader's copy.
    warmed = std::max(warmed, at / kLine * kLine);
    const std::size_t slice = std::max(warm_ / 4, kLine);  // (at least a line: a tiny warm still advances)
    const std::size_t warm_to = std::min<std::uint64_t>({len_, reader + warm_, warmed + slice});
    for (; warmed < warm_to; warmed += kLine) sink |= bytes[warmed];
    // Then one chunk of the window further ahead: one read per page, which maps it (and the kernel's
    // fault-around its neighbours) without a copy. A reader that overtook us has faulted its pages itself.
    faulted = std::max(faulted, warmed / page * page);  // warmed is at least the reader's line
    const std::size_t target = std::min<std::uint64_t>({len_, reader + window_, faulted + chunk_});
    for (; faulted < target; faulted += page) sink |= bytes[faulted];
    static_cast<void>(sink);
    if (released + 2 * chunk_ <= reader) {
      // Released pages are faulted in again from the page cache if anything reads them: never wrong, and the
      // file's mapped part stays bounded.
      const std::size_t upto = static_cast<std::size_t>(reader - chunk_) / chunk_ * chunk_;
      ::madvise(const_cast<std::byte*>(base_) + released, upto - released, MADV_DONTNEED);
      released = upto;
    }
    publish();
  }
}

}  // namespace strata::sim
