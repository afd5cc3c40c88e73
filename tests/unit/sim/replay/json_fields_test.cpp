// SPDX-License-Identifier: MIT
// One packet's JSON line (sim/replay/json_fields.hpp): ip.len is printed in full above 16 bits (a TSO
// super-packet's length on the wire, BIG TCP), and a drop carries its verdict and reason.
#include "sim/replay/json_fields.hpp"

#include <gtest/gtest.h>

#include <string>

namespace strata::sim {
namespace {

using R = core::RxReport;

std::string line_for(const R& r, const RxOutcome& o = {}, std::uint32_t wire_len = 80066) {
  std::string out;
  append_json(out, FrameInfo{1, wire_len, core::Instant{}}, r, o);
  return out;
}

TEST(ReplayJson, PrintsAnIpLenAbove65535InFull) {
  R r;
  r.has = R::kIpHdrLen | R::kIpLen;
  r.ip_hdr_len = 20;
  r.ip_len = 80052;
  const RxOutcome drop{core::Layer::Ipv4, core::Verdict::Drop, core::Reason::Ipv4BadTotalLength};
  const std::string line = line_for(r, drop);
  EXPECT_NE(line.find("\"frame.len\":80066,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"ip.len\":80052,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"strata.verdict\":\"drop\",\"strata.reason\":\"ipv4.bad_total_length\"}"),
            std::string::npos)
      << line;
}

TEST(ReplayJson, PrintsTheLargestIpLen) {
  R r;
  r.has = R::kIpLen;
  r.ip_len = 0xffffffff;
  EXPECT_NE(line_for(r).find("\"ip.len\":4294967295,"), std::string::npos);
}

TEST(ReplayJson, LeavesIpLenOutWhenTheFrameHasNone) {
  EXPECT_EQ(line_for(R{}).find("ip.len"), std::string::npos);
}

}  // namespace
}  // namespace strata::sim
