// SPDX-License-Identifier: MIT
#include "sim/apps/app_registry.hpp"

#include <algorithm>
#include <array>

#include "sim/apps/builtin_apps.hpp"

namespace strata::sim::apps {

namespace {

using AppFn = Task<AppResult> (*)(AppEnv&, net::AppSpec);

struct KindEntry {
  std::string_view name;
  AppFn run;                 // nullptr: registered, not implemented yet
  std::string_view missing;  // why it cannot run yet
  bool needs_to = false;     // cannot run without `to`
  bool needs_url = false;
};

constexpr std::array kKinds{
    KindEntry{"ping", &ping, {}, true},
    KindEntry{"udp-echo", &udp_echo, {}},
    KindEntry{"udp-send", &udp_send, {}, true},
    KindEntry{"tcp-echo", nullptr, "TCP"},
    KindEntry{"tcp-echo-client", nullptr, "TCP", true},
    KindEntry{"tcp-sink", nullptr, "TCP"},
    KindEntry{"tcp-bulk", nullptr, "TCP", true},
    KindEntry{"http-server", nullptr, "TCP"},
    KindEntry{"http-get", nullptr, "TCP", false, true},
};

constexpr auto kKindNames = [] {
  std::array<std::string_view, kKinds.size()> names{};
  for (std::size_t i = 0; i < kKinds.size(); ++i) names[i] = kKinds[i].name;
  return names;
}();

const KindEntry* find_kind(std::string_view name) {
  auto it = std::ranges::find(kKinds, name, &KindEntry::name);
  return it == kKinds.end() ? nullptr : &*it;
}

// An app that could not be started: it ends at once and says why.
Task<AppResult> failed_app(std::string error) {
  AppResult result;
  result.error = std::move(error);
  co_return result;
}

}  // namespace

std::span<const std::string_view> app_kinds() {
  return kKindNames;
}

bool is_implemented(std::string_view kind) {
  const auto* entry = find_kind(kind);
  return entry && entry->run;
}

std::optional<std::string> check(const net::AppSpec& spec) {
  const auto* entry = find_kind(spec.kind);
  if (!entry) {
    std::string known;
    for (auto name : kKindNames) {
      if (!known.empty()) known += ", ";
      known += name;
    }
    return "unknown app kind \"" + spec.kind + "\" (known: " + known + ")";
  }
  const std::string kind = "app kind \"" + spec.kind + "\"";
  if (entry->needs_to && !spec.to_addr) return kind + " needs \"to\"";
  if (entry->needs_url && !spec.url) return kind + " needs \"url\"";
  if (spec.kind == "ping" && spec.size && *spec.size > kMaxPingSize)
    return kind + ": size " + std::to_string(*spec.size) + " exceeds " + std::to_string(kMaxPingSize) +
           " (the most ICMP data one IPv4 datagram holds)";
  if (spec.kind == "udp-send" && spec.size && *spec.size > kMaxUdpPayload)
    return kind + ": size " + std::to_string(*spec.size) + " exceeds " + std::to_string(kMaxUdpPayload) +
           " (the largest UDP payload over IPv4)";
  return std::nullopt;
}

net::AppSpec with_defaults(const net::AppSpec& spec) {
  net::AppSpec s = spec;
  if (s.kind == "ping") {
    if (!s.count) s.count = kPingDefaultCount;
    if (!s.size) s.size = kPingDefaultSize;
    if (!s.interval) s.interval = kPingDefaultInterval;
  } else if (s.kind == "udp-echo") {
    if (!s.port) s.port = kDefaultEchoPort;
  } else if (s.kind == "udp-send") {
    if (!s.count) s.count = kUdpSendDefaultCount;
    if (!s.size) s.size = kUdpSendDefaultSize;
    if (!s.interval) s.interval = kUdpSendDefaultInterval;
    if (!s.to_port) s.to_port = kDefaultEchoPort;
  }
  return s;
}

Task<AppResult> start_app(AppEnv& env, const net::AppSpec& spec) {
  if (auto error = check(spec)) return failed_app(std::move(*error));
  const auto* entry = find_kind(spec.kind);
  if (!entry->run)
    return failed_app(spec.kind + " needs " + std::string(entry->missing) + ", not implemented yet");
  return entry->run(env, with_defaults(spec));
}

}  // namespace strata::sim::apps
