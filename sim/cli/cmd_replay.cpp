// SPDX-License-Identifier: MIT
#include <memory>

#include "sim/cli/commands.hpp"
#include "sim/replay/replay_runner.hpp"

namespace strata::cli {

std::function<int()> add_replay(CLI::App& app) {
  auto opt = std::make_shared<sim::ReplayOptions>();
  auto limit = std::make_shared<std::uint64_t>(0);
  auto filter = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("replay",
                                 "Push every frame of a capture up the stack's receive path and report "
                                 "what each layer did with it");
  cmd->add_option("CAPTURE", opt->capture, "pcap or pcapng file (Ethernet, Linux cooked SLL/SLL2, raw IPv4)")
      ->required();
  cmd->add_option("--filter", *filter, "only packets matching this tcpdump filter (compiled by libpcap)");
  cmd->add_flag(
      "--json", opt->json,
      "one JSON object per packet on stdout (Wireshark field names plus strata.layer/verdict/reason)");
  cmd->add_flag("--stats", opt->stats,
                "per-layer counters (netstat -s style), then the packet count and rate");
  cmd->add_option("--limit", *limit, "stop after N packets")->check(CLI::PositiveNumber);
  cmd->footer(
      "Without --json or --stats: one line per packet (the layers it carries and its verdict), then the "
      "per-layer summary.\nExit status: 0 when the file was read to its end, 2 when it cannot be read or is "
      "damaged (packets before the damage are still reported).");
  return [opt, limit, filter, cmd]() {
    if (cmd->count("--limit")) opt->limit = *limit;
    if (cmd->count("--filter")) opt->filter = *filter;
    return sim::run_replay(*opt, stdout, stderr);
  };
}

}  // namespace strata::cli
