// SPDX-License-Identifier: MIT
#include "sim/scenario/units.hpp"

#include <cstddef>
#include <limits>
#include <span>

namespace strata::sim::scenario {
namespace {

__extension__ typedef unsigned __int128 Wide;  // a fraction times a unit factor needs up to ~96 bits

struct Unit {
  std::string_view name;
  std::uint64_t factor;  // how many of the base unit one of these is
};

/// One kind of quantity: its units and how to talk about it in an error.
struct Scale {
  std::string_view noun;     // "a time"
  std::string_view example;  // R"("10ms" or "1.5s")"
  std::string_view base;     // "nanoseconds": what the value must be a whole number of
  std::span<const Unit> units;
  bool unit_optional;  // sizes: a bare number is bytes
  std::uint64_t max;
};

constexpr Unit kTimeUnits[] = {{"ns", 1},         {"us", 1'000},        {"\xC2\xB5s", 1'000},  // µs
                               {"ms", 1'000'000}, {"s", 1'000'000'000}, {"min", 60'000'000'000}};
constexpr Unit kRateUnits[] = {{"bps", 1},          {"kbps", 1'000},         {"Kbps", 1'000},
                               {"Mbps", 1'000'000}, {"Gbps", 1'000'000'000}, {"Tbps", 1'000'000'000'000}};
constexpr Unit kSizeUnits[] = {{"B", 1},
                               {"kB", 1'000},
                               {"KB", 1'000},
                               {"MB", 1'000'000},
                               {"GB", 1'000'000'000},
                               {"TB", 1'000'000'000'000},
                               {"KiB", std::uint64_t{1} << 10},
                               {"MiB", std::uint64_t{1} << 20},
                               {"GiB", std::uint64_t{1} << 30},
                               {"TiB", std::uint64_t{1} << 40}};

constexpr Scale kTime{"a time",      R"("10ms" or "1.5s")",
                      "nanoseconds", kTimeUnits,
                      false,         static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())};
constexpr Scale kRate{"a rate",
                      R"("100Mbps" or "1.5Gbps")",
                      "bits per second",
                      kRateUnits,
                      false,
                      std::numeric_limits<std::uint64_t>::max()};
constexpr Scale kSize{"a size", R"("10MB", "64KiB" or 1500)",
                      "bytes",  kSizeUnits,
                      true,     std::numeric_limits<std::uint64_t>::max()};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/// The input as it goes into a message: quoted, cut when long, control bytes shown as '?'.
std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    char c = text[i];
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (text.size() > kShown) out += "...";
  out += '"';
  return out;
}

std::string unit_list(const Scale& scale) {
  std::string out;
  for (const Unit& u : scale.units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

std::string complaint(const Scale& scale, std::string_view text, std::string_view reason) {
  std::string out = "expected ";
  out += scale.noun;
  out += " like ";
  out += scale.example;
  out += text.empty() ? std::string(", got an empty string") : ", got " + quoted(text);
  if (!reason.empty()) {
    out += ": ";
    out += reason;
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

/// Digits, an optional fraction, optional spaces, a unit: exact arithmetic throughout, so "1.5Gbps" is
/// 1'500'000'000 and never 1'499'999'999.
Parsed<std::uint64_t> parse_quantity(std::string_view original, const Scale& scale) {
  std::string_view text = trimmed(original);
  auto fail = [&](std::string_view reason) { return core::fail(complaint(scale, original, reason)); };
  if (text.empty()) return fail("");
  if (text.front() == '-') return fail(std::string(scale.noun) + " cannot be negative");

  std::size_t pos = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  std::string_view whole_digits = text.substr(0, pos);
  if (whole_digits.empty()) return fail("it must start with a number");
  std::string_view fraction_digits;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    fraction_digits = text.substr(start, pos - start);
    if (fraction_digits.empty()) return fail("a decimal point needs digits after it");
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  std::string_view unit_text = text.substr(pos);

  std::uint64_t factor = 0;
  if (unit_text.empty()) {
    if (!scale.unit_optional) return fail("missing unit (" + unit_list(scale) + ")");
    factor = 1;
  } else {
    for (const Unit& u : scale.units)
      if (u.name == unit_text) factor = u.factor;
    if (factor == 0) {
      if (&scale == &kTime && unit_text == "m")
        return fail(R"("m" is ambiguous; write "min" for minutes or "ms" for milliseconds)");
      return fail("unknown unit " + quoted(unit_text) + " (" + unit_list(scale) + ")");
    }
  }

  const std::string too_large =
      "too large (at most " + std::to_string(scale.max) + " " + std::string(scale.base) + ")";
  std::uint64_t whole = 0;
  for (char c : whole_digits) {
    if (__builtin_mul_overflow(whole, 10u, &whole) ||
        __builtin_add_overflow(whole, unsigned(c - '0'), &whole))
      return fail(too_large);
  }
  std::uint64_t value = 0;
  if (__builtin_mul_overflow(whole, factor, &value)) return fail(too_large);

  while (!fraction_digits.empty() && fraction_digits.back() == '0') fraction_digits.remove_suffix(1);
  if (!fraction_digits.empty()) {
    const std::string not_whole = "not a whole number of " + std::string(scale.base);
    // 19 digits is the most whose power of ten fits 64 bits; no unit factor can make a longer fraction whole
    // except by contrivance ("0.000000000931322574615478515625GiB"), so refuse it rather than widen further.
    if (fraction_digits.size() > 19) return fail(not_whole);
    std::uint64_t numerator = 0, denominator = 1;
    for (char c : fraction_digits) {
      numerator = numerator * 10 + unsigned(c - '0');
      denominator *= 10;
    }
    Wide scaled = Wide{numerator} * factor;
    if (scaled % denominator != 0) return fail(not_whole);
    // numerator < denominator, so the part is below one factor and fits 64 bits.
    if (__builtin_add_overflow(value, static_cast<std::uint64_t>(scaled / denominator), &value))
      return fail(too_large);
  }
  if (value > scale.max) return fail(too_large);
  return value;
}

}  // namespace

Parsed<core::Duration> parse_time(std::string_view text) {
  auto ns = parse_quantity(text, kTime);
  if (!ns) return core::fail(ns.error());
  return core::Duration(static_cast<std::int64_t>(*ns));
}

Parsed<std::uint64_t> parse_rate(std::string_view text) {
  return parse_quantity(text, kRate);
}

Parsed<std::uint64_t> parse_size(std::string_view text) {
  return parse_quantity(text, kSize);
}

std::string format_time(core::Duration d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  struct Step {
    std::int64_t factor;
    const char* name;
  };
  constexpr Step kSteps[] = {{60'000'000'000, "min"}, {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  for (const Step& step : kSteps)
    if (ns % step.factor == 0) return std::to_string(ns / step.factor) + step.name;
  return std::to_string(ns) + "ns";
}

}  // namespace strata::sim::scenario
