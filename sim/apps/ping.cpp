// SPDX-License-Identifier: MIT
// ping over an ICMP datagram socket, as Linux's unprivileged "ping sockets" work: the app writes an echo
// request (8-byte header with type 8; the stack fills in the identifier and the checksum) and reads whole
// echo replies (header + data) with the sender's address.
//
// Timing: request k goes at start + k·interval and waits for its reply until one interval after it was sent
// (1 s when the interval is 0, and then the next request follows at once; a request that cannot be sent waits
// as long). Replies are matched by sequence
// number; a late reply to an earlier request still counts, a duplicate does not.
// Counts (DESIGN.md §6): bytes_sent = data bytes of the requests sent (`size` each, the echo header not
// counted), bytes_received = data bytes of the replies counted. ok when at least one reply came back.
// verified stays null: ping verifies no stream; a reply whose data differs from the request's is not counted.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "sim/apps/blocking_socket.hpp"
#include "sim/apps/builtin_apps.hpp"
#include "sim/engine/time_math.hpp"
#include "stack/wire/icmpv4.hpp"

namespace strata::sim::apps {

namespace {

/// min/avg/max over the round trips seen, in milliseconds.
struct RttStats {
  std::uint64_t received = 0;
  core::Duration min{}, max{}, sum{};
  void add(core::Duration rtt) {
    min = received == 0 ? rtt : std::min(min, rtt);
    max = received == 0 ? rtt : std::max(max, rtt);
    sum += rtt;
    ++received;
  }
};

double to_ms(core::Duration d) {
  return static_cast<double>(d.count()) / 1e6;
}

std::string summary(std::uint64_t transmitted, const RttStats& rtt) {
  char buf[160];
  const auto lost = transmitted - std::min(transmitted, rtt.received);
  const int loss_pct = transmitted ? static_cast<int>(lost * 100 / transmitted) : 0;
  int n = std::snprintf(buf, sizeof buf, "%llu sent, %llu received, %d%% loss",
                        static_cast<unsigned long long>(transmitted),
                        static_cast<unsigned long long>(rtt.received), loss_pct);
  if (rtt.received > 0 && n > 0 && static_cast<std::size_t>(n) < sizeof buf) {
    const auto avg = rtt.sum / static_cast<std::int64_t>(rtt.received);
    std::snprintf(buf + n, sizeof buf - n, ", rtt min/avg/max %.3f/%.3f/%.3f ms", to_ms(rtt.min), to_ms(avg),
                  to_ms(rtt.max));
  }
  return buf;
}

}  // namespace

Task<AppResult> ping(AppEnv& env, net::AppSpec spec) {
  AppResult result;
  co_await publish_progress(result);

  const wire::Ipv4Address to = spec.to_addr.value_or(wire::Ipv4Address{});
  const std::uint64_t count = spec.count.value_or(kPingDefaultCount);
  const std::size_t size =
      static_cast<std::size_t>(std::min<std::uint64_t>(spec.size.value_or(kPingDefaultSize), kMaxPingSize));
  const core::Duration interval = spec.interval.value_or(kPingDefaultInterval);
  const core::Duration reply_wait =
      interval > core::Duration::zero() ? interval : kPingReplyWaitWhenNoInterval;

  auto opened = BlockingSocket::open(env, socket::kSockDgram, socket::kIpprotoIcmp);
  if (!opened) {
    result.error = call_error("socket", opened.error());
    co_return result;
  }
  BlockingSocket sock = std::move(opened).value();

  // Every request carries the same data (as ping's pattern does), drawn from the app's seed.
  std::vector<std::byte> request(wire::kIcmpHeaderLen + size);
  fill_payload(env.seed(), 0, core::MutBytes(request).subspan(wire::kIcmpHeaderLen));
  const core::Bytes data = core::Bytes(request).subspan(wire::kIcmpHeaderLen);
  std::vector<std::byte> reply(wire::kIcmpHeaderLen + kMaxPingSize);

  // A reply names its request by a 16-bit sequence number, so only the latest 65536 requests can be told
  // apart: their state sits in a ring indexed by k mod the window. why: memory in proportion to `count` is a
  // crash waiting for `count = 1000000000`.
  const std::uint64_t window = std::min<std::uint64_t>(count, std::uint64_t{1} << 16);
  std::vector<core::Instant> sent_at(window);
  std::vector<bool> sent(window), answered(window);
  std::uint64_t transmitted = 0;
  RttStats rtt;
  std::optional<std::string> first_error;
  const core::Instant start = env.now();

  for (std::uint64_t k = 0; k < count; ++k) {
    co_await sleep_until(env, engine::saturating_add(start, engine::saturating_mul(interval, k)));
    const std::uint64_t slot = k % window;
    sent[slot] = answered[slot] = false;  // request k - window is out of reach now

    // Echo request: type 8, code 0; checksum and identifier left zero for the stack; sequence from 1, as
    // ping.
    const auto seq = static_cast<std::uint16_t>(k + 1);
    core::store_u8(request.data(), wire::icmp_type::kEchoRequest);
    core::store_u8(request.data() + 1, 0);
    core::store_be16(request.data() + 2, 0);
    core::store_be16(request.data() + 4, 0);
    core::store_be16(request.data() + 6, seq);
    auto sent_bytes = co_await sock.sendto(request, SockAddrIn{to, 0});
    if (!sent_bytes) {
      // As ping: report it and go on with the next request, after the wait a reply would have had. why the
      // wait: at interval 0 a send that fails at once (no route) would otherwise loop `count` times inside
      // one engine event, where no event cap can stop it.
      if (!first_error) first_error = call_error("sendto", sent_bytes.error());
      if (interval == core::Duration::zero())
        co_await sleep_until(env, engine::saturating_add(env.now(), reply_wait));
      continue;
    }
    ++transmitted;
    result.bytes_sent += size;
    sent[slot] = true;
    sent_at[slot] = env.now();
    result.detail = summary(transmitted, rtt);

    const core::Instant deadline = engine::saturating_add(sent_at[slot], reply_wait);
    while (!answered[slot]) {
      SockAddrIn from;
      auto got = co_await sock.recvfrom(reply, &from, deadline);
      if (!got) {
        // A pending ICMP error (host unreachable) is reported once; move on to the next request.
        if (got.error() != core::Errno::ETIMEDOUT_ && !first_error)
          first_error = call_error("recvfrom", got.error());
        break;
      }
      const core::Bytes message = core::Bytes(reply).first(*got);
      if (message.size() < wire::kIcmpHeaderLen || core::load_u8(message, 0) != wire::icmp_type::kEchoReply)
        continue;
      // The sequence number names the latest request with those 16 bits.
      const std::uint64_t back = (k + 1 - core::load_be16(message, 6)) & 0xffff;
      if (back > k) continue;  // also keeps back below the window: it is at most min(k, 65535)
      const std::uint64_t index = (k - back) % window;
      if (!sent[index] || answered[index]) continue;  // not ours, or a duplicate
      const core::Bytes echoed = message.subspan(wire::kIcmpHeaderLen);
      if (!std::ranges::equal(echoed, data)) continue;
      answered[index] = true;
      rtt.add(env.now() - sent_at[index]);
      result.bytes_received += echoed.size();
      result.detail = summary(transmitted, rtt);
    }
  }

  result.detail = summary(transmitted, rtt);
  result.ok = rtt.received > 0;
  if (!result.ok) result.error = first_error ? *first_error : "no reply from " + to.to_string();
  co_return result;
}

}  // namespace strata::sim::apps
