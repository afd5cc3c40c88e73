// SPDX-License-Identifier: MIT
#include "sim/scenario/units.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace strata::sim::scenario {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::int64_t ns(std::string_view text) {
  auto parsed = parse_time(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
  return parsed.ok() ? parsed->count() : -1;
}

std::string time_error(std::string_view text) {
  auto parsed = parse_time(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed.ok() ? parsed->count() : 0) << "ns";
  return parsed.ok() ? "" : parsed.error();
}

std::uint64_t bps(std::string_view text) {
  auto parsed = parse_rate(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
  return parsed.ok() ? *parsed : 0;
}

std::string rate_error(std::string_view text) {
  auto parsed = parse_rate(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed.ok() ? *parsed : 0);
  return parsed.ok() ? "" : parsed.error();
}

std::uint64_t bytes(std::string_view text) {
  auto parsed = parse_size(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error());
  return parsed.ok() ? *parsed : 0;
}

std::string size_error(std::string_view text) {
  auto parsed = parse_size(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed.ok() ? *parsed : 0);
  return parsed.ok() ? "" : parsed.error();
}

TEST(ParseTime, TakesEveryUnit) {
  EXPECT_EQ(ns("3ns"), 3);
  EXPECT_EQ(ns("200us"), 200'000);
  EXPECT_EQ(ns("200\xC2\xB5s"), 200'000);
  EXPECT_EQ(ns("10ms"), 10'000'000);
  EXPECT_EQ(ns("60s"), 60'000'000'000);
  EXPECT_EQ(ns("2min"), 120'000'000'000);
  EXPECT_EQ(ns("0s"), 0);
}

TEST(ParseTime, FractionsAreExact) {
  EXPECT_EQ(ns("1.5s"), 1'500'000'000);
  EXPECT_EQ(ns("0.1s"), 100'000'000);  // no binary floating point on the way
  EXPECT_EQ(ns("2.125ms"), 2'125'000);
  EXPECT_EQ(ns("0.001us"), 1);
  EXPECT_EQ(ns("1.50000000000000000000000s"), 1'500'000'000);  // trailing zeros cost nothing
}

TEST(ParseTime, AllowsSpacesAroundTheUnit) {
  EXPECT_EQ(ns("10 ms"), 10'000'000);
  EXPECT_EQ(ns(" 10ms "), 10'000'000);
}

TEST(ParseTime, ReachesTheLargestDuration) {
  EXPECT_EQ(ns("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
  EXPECT_THAT(time_error("9223372036854775808ns"), HasSubstr("too large"));
  EXPECT_THAT(time_error("9223372037s"), HasSubstr("too large"));
  EXPECT_THAT(time_error("99999999999999999999999999s"), HasSubstr("too large"));
  EXPECT_THAT(time_error("153722867.3min"), HasSubstr("too large"));
}

TEST(ParseTime, SaysWhatItExpected) {
  EXPECT_EQ(time_error("fast"),
            R"(expected a time like "10ms" or "1.5s", got "fast": it must start with a number)");
  EXPECT_EQ(time_error("10"),
            R"(expected a time like "10ms" or "1.5s", got "10": missing unit (ns, us, µs, ms, s, min))");
  EXPECT_EQ(time_error(""), R"(expected a time like "10ms" or "1.5s", got an empty string)");
  EXPECT_THAT(time_error("10hours"), HasSubstr(R"(unknown unit "hours")"));
  EXPECT_THAT(time_error("10MS"), HasSubstr("unknown unit"));
}

TEST(ParseTime, RefusesNegativeTimes) {
  EXPECT_THAT(time_error("-5ms"), HasSubstr("a time cannot be negative"));
}

TEST(ParseTime, RefusesBareMAsAmbiguous) {
  EXPECT_THAT(time_error("2m"), HasSubstr("\"m\" is ambiguous"));
}

TEST(ParseTime, RefusesGarbage) {
  for (std::string_view text :
       {"1.s", ".5s", "1..5s", "1.5.2s", "+1s", "1e3ns", "0x10s", "10ms10", "ms", "1 0ms", "10ms!", "1,5s"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(time_error(text), HasSubstr("expected a time like"));
  }
}

TEST(ParseTime, RefusesFractionsOfANanosecond) {
  EXPECT_THAT(time_error("1.5ns"), HasSubstr("not a whole number of nanoseconds"));
  EXPECT_THAT(time_error("0.0000000001s"), HasSubstr("not a whole number of nanoseconds"));
  EXPECT_THAT(time_error("1.00000000000000000000001s"), HasSubstr("not a whole number"));
}

TEST(ParseTime, QuotesLongOrControlInputSafely) {
  std::string long_text(1000, 'x');
  std::string error = time_error(long_text);
  EXPECT_LT(error.size(), 200u);
  EXPECT_THAT(error, HasSubstr("...\""));
  EXPECT_THAT(time_error(std::string("1\n\0s", 4)), HasSubstr("\"1?"));
}

TEST(ParseRate, TakesEveryUnit) {
  EXPECT_EQ(bps("9600bps"), 9'600u);
  EXPECT_EQ(bps("64kbps"), 64'000u);
  EXPECT_EQ(bps("64Kbps"), 64'000u);
  EXPECT_EQ(bps("100Mbps"), 100'000'000u);
  EXPECT_EQ(bps("1Gbps"), 1'000'000'000u);
  EXPECT_EQ(bps("1.5Gbps"), 1'500'000'000u);
  EXPECT_EQ(bps("2Tbps"), 2'000'000'000'000u);
  EXPECT_EQ(bps("0bps"), 0u);
}

TEST(ParseRate, SaysWhatItExpected) {
  EXPECT_EQ(rate_error("fast"),
            R"(expected a rate like "100Mbps" or "1.5Gbps", got "fast": it must start with a number)");
  EXPECT_THAT(rate_error("100"), HasSubstr("missing unit (bps, kbps, Kbps, Mbps, Gbps, Tbps)"));
  EXPECT_THAT(rate_error("100MBps"), HasSubstr(R"(unknown unit "MBps")"));
  EXPECT_THAT(rate_error("100mbps"), HasSubstr("unknown unit"));
  EXPECT_THAT(rate_error("1.5bps"), HasSubstr("not a whole number of bits per second"));
  EXPECT_THAT(rate_error("-1Mbps"), HasSubstr("cannot be negative"));
  EXPECT_THAT(rate_error("18446744073709552Kbps"), HasSubstr("too large"));
}

TEST(ParseSize, TakesDecimalAndBinaryUnits) {
  EXPECT_EQ(bytes("1500"), 1'500u);
  EXPECT_EQ(bytes("1500B"), 1'500u);
  EXPECT_EQ(bytes("64kB"), 64'000u);
  EXPECT_EQ(bytes("64KB"), 64'000u);
  EXPECT_EQ(bytes("10MB"), 10'000'000u);
  EXPECT_EQ(bytes("2GB"), 2'000'000'000u);
  EXPECT_EQ(bytes("64KiB"), 65'536u);
  EXPECT_EQ(bytes("1MiB"), 1'048'576u);
  EXPECT_EQ(bytes("1GiB"), 1'073'741'824u);
  EXPECT_EQ(bytes("1TiB"), 1'099'511'627'776u);
  EXPECT_EQ(bytes("1.5kB"), 1'500u);
  EXPECT_EQ(bytes("0.5KiB"), 512u);
  EXPECT_EQ(bytes("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
}

TEST(ParseSize, SaysWhatItExpected) {
  EXPECT_EQ(size_error("big"),
            R"(expected a size like "10MB", "64KiB" or 1500, got "big": it must start with a number)");
  EXPECT_THAT(size_error("10mb"),
              HasSubstr(R"(unknown unit "mb" (B, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB))"));
  EXPECT_THAT(size_error("1.5"), HasSubstr("not a whole number of bytes"));
  EXPECT_THAT(size_error("0.3KiB"), HasSubstr("not a whole number of bytes"));
  EXPECT_THAT(size_error("18446744073709551616"), HasSubstr("too large"));
  EXPECT_THAT(size_error("20000000TiB"), HasSubstr("too large"));
  EXPECT_THAT(size_error("-1"), HasSubstr("cannot be negative"));
}

TEST(FormatTime, PicksTheLargestExactUnit) {
  EXPECT_EQ(format_time(0ns), "0s");
  EXPECT_EQ(format_time(2min), "2min");
  EXPECT_EQ(format_time(90s), "90s");
  EXPECT_EQ(format_time(1500ms), "1500ms");
  EXPECT_EQ(format_time(3ns), "3ns");
  EXPECT_EQ(format_time(200us), "200us");
}

}  // namespace
}  // namespace strata::sim::scenario
