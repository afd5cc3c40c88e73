// SPDX-License-Identifier: MIT
// Capture files through libpcap (pcap and pcapng; no hand-written parsing). PcapReader reads records with
// nanosecond timestamps and maps the file's link type; PcapWriter writes frames with given timestamps;
// PcapFileNic is a Nic whose sends go to a PcapWriter (or nowhere).
//
// A regular file is mapped and handed to libpcap as a stdio stream whose buffer is the mapping itself, so the
// only copy of a record is libpcap's own (into its buffer). mapped_file() and on_progress() let a caller page
// the mapping in ahead of the reader and release it behind (sim/replay does, on a thread of its own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "stack/nic/nic.hpp"

struct pcap;
struct pcap_dumper;
struct bpf_program;

namespace strata::nic {

struct PcapRecord {
  core::Bytes data;            // valid until the next call to next()
  std::uint32_t wire_len = 0;  // the frame's length on the wire (data may be shorter: snaplen)
  core::Instant time{};        // capture timestamp, nanoseconds since the epoch
  std::uint64_t number = 0;    // 1-based record number
};

class PcapReader {
  struct Key {  // only open() makes readers; the key lets it do so through std::make_unique
    explicit Key() = default;
  };

 public:
  explicit PcapReader(Key);
  /// Opens a capture. On failure, returns nullptr and sets `error` to libpcap's message.
  static std::unique_ptr<PcapReader> open(const std::string& path, std::string& error);
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  /// Compiles a tcpdump filter with libpcap and applies it. False with `error` set when it does not compile.
  bool set_filter(const std::string& expression, std::string& error);

  enum class Status { Record, End, Error };
  /// The next record passing the filter; Error with error() set when the file is damaged.
  Status next(PcapRecord& out);
  const std::string& error() const { return error_; }
  LinkType link_type() const { return link_; }
  int dlt() const { return dlt_; }
  std::string dlt_name() const;
  /// Records read so far (including those the filter rejected: it is the file's record number).
  std::uint64_t records_read() const { return records_; }
  /// Bytes of the file consumed so far, or -1 (for a progress bar).
  long long file_position() const;
  /// The whole file when libpcap reads it in place from a mapping (a regular, non-empty file), else empty.
  /// Valid as long as the reader; its pages may be faulted in or released (MADV_DONTNEED) from any thread.
  core::Bytes mapped_file() const;
  /// From now on, next() calls `callback` with the file position each time it has advanced by `every` bytes
  /// (or a little more) since the last call; on the thread calling next().
  void on_progress(std::uint64_t every, std::function<void(std::uint64_t)> callback);

 private:
  struct Mapping;  // the mapped file and the stdio stream over it (pcap_file_nic.cpp)
  void report_progress();
  pcap* handle_ = nullptr;
  LinkType link_ = LinkType::Unsupported;
  int dlt_ = 0;
  std::string error_;
  std::uint64_t records_ = 0;
  std::unique_ptr<bpf_program> filter_;
  std::unique_ptr<Mapping> mapping_;  // regular files only; outlives handle_ (its stream reads from it)
  std::function<void(std::uint64_t)> progress_;
  std::uint64_t progress_every_ = 0, next_progress_ = 0;
};

class PcapWriter {
  struct Key {  // as PcapReader's
    explicit Key() = default;
  };

 public:
  explicit PcapWriter(Key) {}
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  /// Ethernet pcap with nanosecond timestamps. nullptr with `error` set on failure.
  static std::unique_ptr<PcapWriter> open(const std::string& path, std::string& error,
                                          LinkType link = LinkType::Ethernet);
  ~PcapWriter();
  void write(core::Bytes frame, core::Instant t);
  void flush();

 private:
  pcap* dead_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
};

/// A NIC over capture files: what the stack transmits goes to an optional writer.
class PcapFileNic final : public Nic {
 public:
  PcapFileNic(NicInfo info, std::unique_ptr<PcapWriter> writer = nullptr)
      : info_(std::move(info)), writer_(std::move(writer)) {}
  const NicInfo& info() const override { return info_; }
  core::Result<void> transmit(core::PacketBuf&& frame, core::Instant now) override {
    if (writer_) writer_->write(frame.bytes(), now);
    ++sent_;
    return {};
  }
  std::uint64_t sent() const { return sent_; }

 private:
  NicInfo info_;
  std::unique_ptr<PcapWriter> writer_;
  std::uint64_t sent_ = 0;
};

}  // namespace strata::nic
