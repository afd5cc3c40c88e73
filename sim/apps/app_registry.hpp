// SPDX-License-Identifier: MIT
// The app kinds by name (DESIGN.md §6, shared by scenarios and `strata live --app`): which exist, what each
// needs, the defaults for what a spec leaves out, and the task that runs one. The scenario loader checks keys
// against the file; check() here only says what a kind cannot run without.
//
// TCP kinds are registered so scenarios naming them load; until TCP lands, their task ends at once with
// ok = false and "KIND needs TCP, not implemented yet".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/apps/app_env.hpp"
#include "sim/apps/task.hpp"
#include "sim/net/topology.hpp"

namespace strata::sim::apps {

/// Every registered kind, in DESIGN.md §6 order.
std::span<const std::string_view> app_kinds();
/// Registered and runnable now (false for the TCP kinds until TCP exists, and for unknown names).
bool is_implemented(std::string_view kind);

/// Why `spec` cannot run, or nullopt: an unknown kind (the message lists the known ones), a missing key the
/// kind cannot default (`to` for ping and udp-send), a size beyond what one datagram carries.
std::optional<std::string> check(const net::AppSpec& spec);

/// `spec` with the kind's defaults filled in where it has none:
///   ping      count 4, size 56 (ICMP data bytes), interval 1s
///   udp-echo  port 7
///   udp-send  count 10, size 64, interval 100ms, to_port 7
net::AppSpec with_defaults(const net::AppSpec& spec);

/// The app's task, not yet started (the runner start()s it at the app's `at`). It keeps its own copy of the
/// spec, with defaults applied. An unknown or unimplemented kind gives a task that ends with ok = false and
/// the reason in `error`.
Task<AppResult> start_app(AppEnv& env, const net::AppSpec& spec);

}  // namespace strata::sim::apps
