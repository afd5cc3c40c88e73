// SPDX-License-Identifier: MIT
// udp-send: `count` datagrams of `size` payload bytes to to_addr:to_port, one every `interval` (the first at
// once), from an ephemeral port. The socket is connected, as a textbook UDP client's is: it hears only its
// peer, and a port unreachable from the peer surfaces as ECONNREFUSED.
//
// Between sends, and for a grace period after the last one (max(interval, 1 s), cut short once every datagram
// has come back), it reads what comes back to its socket.
// Counts (DESIGN.md §6): bytes_sent = payload of the datagrams sent; bytes_received = payload of every
// datagram that came back (duplicates included), so against udp-echo it shows what survived the round trip.
// verified: true when at least one datagram came back and every one that did equals one that was sent, byte
// for byte; false when any differs; null when none came back (nothing to verify).
// ok when every datagram was sent. A failed send, or ECONNREFUSED (the peer's port is closed), ends the app
// with ok = false and "send: E…" / "recv: ECONNREFUSED" in `error`.
//
// Datagram k is the payload stream k of the app's seed with k in its first 4 bytes (big-endian), so an echo
// names the datagram it should equal. Datagrams shorter than 4 bytes are matched against the latest 4096
// sent.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/apps/blocking_socket.hpp"
#include "sim/apps/builtin_apps.hpp"
#include "sim/engine/time_math.hpp"

namespace strata::sim::apps {

namespace {

void make_datagram(std::uint64_t seed, std::uint64_t index, core::MutBytes out) {
  fill_payload(seed, index, out);
  if (out.size() >= 4) core::store_be32(out.data(), static_cast<std::uint32_t>(index));
}

/// What has come back so far, and whether it all matched what was sent.
class EchoTally {
 public:
  EchoTally(std::uint64_t seed, std::uint64_t count, std::size_t size)
      : seed_(seed), size_(size), count_(count), expected_(size) {}

  // why: came_back_ grows with what was sent, not with `count`: memory in proportion to `count` is a crash
  // waiting for `count = 1000000000`.
  void sent(std::uint64_t index) {
    sent_ = index + 1;
    if (came_back_.size() < sent_) came_back_.resize(sent_);
  }
  /// One datagram that came back.
  void received(core::Bytes echo) {
    ++echoes_;
    const auto index = match(echo);
    if (!index) {
      ++mismatched_;
      return;
    }
    if (!came_back_[*index]) {
      came_back_[*index] = true;
      ++distinct_;
    }
  }
  bool all_back() const { return distinct_ == count_; }
  std::uint64_t echoes() const { return echoes_; }
  std::uint64_t distinct() const { return distinct_; }
  std::uint64_t mismatched() const { return mismatched_; }

 private:
  std::optional<std::uint64_t> match(core::Bytes echo) {
    if (echo.size() != size_) return std::nullopt;
    if (size_ >= 4) {
      const std::uint64_t index = core::load_be32(echo.data());
      if (index >= sent_ || !equals(index, echo)) return std::nullopt;
      return index;
    }
    // Bounded: a search through every datagram sent would make a long run quadratic.
    for (std::uint64_t index = sent_ - std::min(sent_, kShortMatchWindow); index < sent_; ++index)
      if (equals(index, echo)) return index;
    return std::nullopt;
  }
  bool equals(std::uint64_t index, core::Bytes echo) {
    make_datagram(seed_, index, expected_);
    return std::ranges::equal(echo, core::Bytes(expected_));
  }

  static constexpr std::uint64_t kShortMatchWindow = 4096;  // datagrams under 4 bytes: the latest searched

  std::uint64_t seed_;
  std::size_t size_;
  std::uint64_t count_;
  std::vector<bool> came_back_;
  std::vector<std::byte> expected_;
  std::uint64_t sent_ = 0, echoes_ = 0, distinct_ = 0, mismatched_ = 0;
};

/// Reads echoes until `deadline` (or until all are back when `stop_when_all_back`). Ok, or the recv error.
Task<core::Errno> collect_echoes(BlockingSocket& sock, core::MutBytes buf, core::Instant deadline,
                                 bool stop_when_all_back, EchoTally& tally, AppResult& result) {
  for (;;) {
    if (stop_when_all_back && tally.all_back()) co_return core::Errno::Ok;
    auto got = co_await sock.recv(buf, deadline);
    if (!got) co_return got.error() == core::Errno::ETIMEDOUT_ ? core::Errno::Ok : got.error();
    result.bytes_received += *got;
    tally.received(core::Bytes(buf).first(*got));
  }
}

std::string summary(std::uint64_t sent, const EchoTally& tally) {
  std::string s = std::to_string(sent) + " sent, " + std::to_string(tally.distinct()) + " came back";
  if (tally.echoes() > tally.distinct() + tally.mismatched())
    s += ", " + std::to_string(tally.echoes() - tally.distinct() - tally.mismatched()) + " duplicates";
  if (tally.mismatched()) s += ", " + std::to_string(tally.mismatched()) + " did not match what was sent";
  return s;
}

}  // namespace

Task<AppResult> udp_send(AppEnv& env, net::AppSpec spec) {
  AppResult result;
  co_await publish_progress(result);

  const SockAddrIn to{spec.to_addr.value_or(wire::Ipv4Address{}), spec.to_port.value_or(kDefaultEchoPort)};
  const std::uint64_t count = spec.count.value_or(kUdpSendDefaultCount);
  const std::size_t size = static_cast<std::size_t>(
      std::min<std::uint64_t>(spec.size.value_or(kUdpSendDefaultSize), kMaxUdpPayload));
  const core::Duration interval = spec.interval.value_or(kUdpSendDefaultInterval);
  const core::Duration grace = std::max(interval, kUdpSendMinGrace);

  auto opened = BlockingSocket::open(env, socket::kSockDgram);
  if (!opened) {
    result.error = call_error("socket", opened.error());
    co_return result;
  }
  BlockingSocket sock = std::move(opened).value();
  if (auto connected = sock.connect(to); !connected) {
    result.error = call_error("connect", connected.error());
    co_return result;
  }

  std::vector<std::byte> datagram(size), in(kMaxUdpPayload);
  EchoTally tally(env.seed(), count, size);
  auto finish = [&](std::uint64_t sent, std::optional<std::string> error) {
    result.ok = !error;
    result.error = std::move(error);
    if (tally.echoes() > 0) result.verified = tally.mismatched() == 0;
    result.detail = summary(sent, tally);
    return result;
  };

  const core::Instant start = env.now();
  for (std::uint64_t k = 0; k < count; ++k) {
    const core::Instant send_at = engine::saturating_add(start, engine::saturating_mul(interval, k));
    if (auto e = co_await collect_echoes(sock, in, send_at, false, tally, result); e != core::Errno::Ok)
      co_return finish(k, call_error("recv", e));
    make_datagram(env.seed(), k, datagram);
    auto sent = co_await sock.send(datagram);
    if (!sent) co_return finish(k, call_error("send", sent.error()));
    result.bytes_sent += *sent;
    tally.sent(k);
  }
  const core::Instant grace_end = engine::saturating_add(env.now(), grace);
  if (auto e = co_await collect_echoes(sock, in, grace_end, true, tally, result); e != core::Errno::Ok)
    co_return finish(count, call_error("recv", e));
  co_return finish(count, std::nullopt);
}

}  // namespace strata::sim::apps
