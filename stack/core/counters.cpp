// SPDX-License-Identifier: MIT
#include "stack/core/counters.hpp"

namespace strata::core {

namespace {
consteval bool counter_table_in_order() {
  for (std::size_t i = 0; i < kCounterNames.size(); ++i)
    if (static_cast<std::size_t>(kCounterNames[i].first) != i) return false;
  return true;
}
static_assert(counter_table_in_order(), "kCounterNames must list counters in enum order");
}  // namespace

std::string Counters::drop_counter_name(Reason r) {
  std::string_view n = name(r);
  auto dot = n.find('.');
  if (dot == std::string_view::npos) return std::string(n);
  std::string out(n.substr(0, dot));
  out += ".drop.";
  out += n.substr(dot + 1);
  return out;
}

void Counters::add(const Counters& other) {
  for (std::size_t i = 0; i < events_.size(); ++i) events_[i] += other.events_[i];
  for (std::size_t i = 0; i < drops_.size(); ++i) drops_[i] += other.drops_[i];
}

std::uint64_t Counters::get(std::string_view n) const {
  for (const auto& [c, cname] : kCounterNames)
    if (cname == n) return get(c);
  for (std::size_t i = 1; i < drops_.size(); ++i)
    if (drop_counter_name(static_cast<Reason>(i)) == n) return drops_[i];
  return 0;
}

std::vector<std::pair<std::string, std::uint64_t>> Counters::nonzero() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t i = 0; i < events_.size(); ++i)
    if (events_[i] != 0) out.emplace_back(std::string(kCounterNames[i].second), events_[i]);
  for (std::size_t i = 1; i < drops_.size(); ++i)
    if (drops_[i] != 0) out.emplace_back(drop_counter_name(static_cast<Reason>(i)), drops_[i]);
  return out;
}

}  // namespace strata::core
