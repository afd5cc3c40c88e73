// SPDX-License-Identifier: MIT
#include "sim/replay/read_ahead.hpp"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

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
  {
    std::lock_guard lock(mutex_);
    reader_ = pos;
  }
  wake_.notify_one();
}

ReadAhead::Done ReadAhead::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

void ReadAhead::run(const std::stop_token& stop) {
  ::pthread_setname_np(::pthread_self(), "strata-readahd");  // so that it shows in perf and top
  const std::size_t page = page_size();
  std::size_t faulted = 0;   // [0, faulted) is faulted in, or behind the reader
  std::size_t released = 0;  // [0, released) is given back
  std::size_t warmed = 0;    // [0, warmed) has been read into the cache, or is behind the reader
  for (;;) {
    std::uint64_t reader = 0;
    {
      std::unique_lock lock(mutex_);
      done_ = {faulted, released, warmed};
      // Work is pages to fault in up to a window past the reader, or a whole chunk to release behind it (one
      // chunk is kept: the record being read may have started there).
      const bool work = wake_.wait(lock, stop, [&] {
        return faulted < std::min<std::uint64_t>(len_, reader_ + window_) || released + 2 * chunk_ <= reader_;
      });
      if (!work) return;
      reader = reader_;
    }
    // A reader that overtook us has faulted its pages itself: go on from where it is.
    faulted = std::max<std::size_t>(faulted, std::min<std::uint64_t>(reader, len_) / page * page);
    const std::size_t target = std::min<std::uint64_t>({len_, reader + window_, faulted + chunk_});
    // One read per page: the fault maps it (and the kernel's fault-around its neighbours) without a copy.
    const auto* bytes = static_cast<const volatile std::byte*>(base_);
    std::byte sink{};
    for (; faulted < target; faulted += page) sink |= bytes[faulted];
    // One read per cache line of the pages just ahead of the reader: the line then waits in the cache the
    // cores share (evicted from this core's own as the next lines come in) for the reader's copy.
    constexpr std::size_t kLine = 64;
    warmed = std::max<std::size_t>(warmed, std::min<std::uint64_t>(reader, len_) / kLine * kLine);
    const std::size_t warm_to = std::min<std::uint64_t>(faulted, reader + warm_);
    for (; warmed < warm_to; warmed += kLine) sink |= bytes[warmed];
    static_cast<void>(sink);
    if (released + 2 * chunk_ <= reader) {
      // Released pages are faulted in again from the page cache if anything reads them: never wrong, and the
      // file's mapped part stays bounded.
      const std::size_t upto = static_cast<std::size_t>(reader - chunk_) / chunk_ * chunk_;
      ::madvise(const_cast<std::byte*>(base_) + released, upto - released, MADV_DONTNEED);
      released = upto;
    }
  }
}

}  // namespace strata::sim
