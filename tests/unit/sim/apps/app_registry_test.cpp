// SPDX-License-Identifier: MIT
#include "sim/apps/app_registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sim/apps/builtin_apps.hpp"
#include "tests/support/app_harness.hpp"

namespace strata::sim::apps {
namespace {

using test::AppHarness;
using namespace std::chrono_literals;

net::AppSpec spec_of(std::string kind) {
  net::AppSpec s;
  s.host = "a";
  s.kind = std::move(kind);
  return s;
}

TEST(AppRegistry, KnowsEveryKindOfTheDesign) {
  const auto kinds = app_kinds();
  for (std::string_view k : {"ping", "udp-echo", "udp-send", "tcp-echo", "tcp-echo-client", "tcp-sink",
                             "tcp-bulk", "http-server", "http-get"})
    EXPECT_NE(std::ranges::find(kinds, k), kinds.end()) << k;
  EXPECT_TRUE(is_implemented("udp-echo"));
  EXPECT_FALSE(is_implemented("tcp-bulk"));
  EXPECT_FALSE(is_implemented("nonsense"));
}

TEST(AppRegistry, RejectsAnUnknownKindNamingTheKnownOnes) {
  auto e = check(spec_of("udp-flood"));
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("unknown app kind \"udp-flood\""), std::string::npos) << *e;
  EXPECT_NE(e->find("udp-send"), std::string::npos) << *e;
}

TEST(AppRegistry, RejectsKindsMissingWhatTheyCannotDefault) {
  EXPECT_EQ(check(spec_of("ping")), "app kind \"ping\" needs \"to\"");
  EXPECT_EQ(check(spec_of("udp-send")), "app kind \"udp-send\" needs \"to\"");
  EXPECT_EQ(check(spec_of("http-get")), "app kind \"http-get\" needs \"url\"");
  EXPECT_FALSE(check(spec_of("udp-echo")));  // port defaults to 7
  auto big = spec_of("udp-send");
  big.to_addr = wire::Ipv4Address::from_octets(10, 0, 0, 2);
  big.size = 65508;
  ASSERT_TRUE(check(big));
  EXPECT_NE(check(big)->find("exceeds 65507"), std::string::npos);
}

TEST(AppRegistry, FillsDefaults) {
  auto p = spec_of("ping");
  p.to_addr = wire::Ipv4Address::from_octets(10, 0, 0, 2);
  const auto pd = with_defaults(p);
  EXPECT_EQ(pd.count, 4u);
  EXPECT_EQ(pd.size, 56u);
  EXPECT_EQ(pd.interval, core::Duration(1s));

  auto u = spec_of("udp-send");
  u.count = 3;
  const auto ud = with_defaults(u);
  EXPECT_EQ(ud.count, 3u);  // given values stay
  EXPECT_EQ(ud.size, 64u);
  EXPECT_EQ(ud.interval, core::Duration(100ms));
  EXPECT_EQ(ud.to_port, 7);

  EXPECT_EQ(with_defaults(spec_of("udp-echo")).port, 7);
}

TEST(AppRegistry, TcpKindsLoadButFailAtOnceSayingTheyNeedTcp) {
  for (std::string kind :
       {"tcp-echo", "tcp-echo-client", "tcp-sink", "tcp-bulk", "http-server", "http-get"}) {
    auto s = spec_of(kind);
    s.to_addr = wire::Ipv4Address::from_octets(10, 0, 0, 2);
    s.to_port = 80;
    s.url = "http://10.0.0.2/";
    EXPECT_FALSE(check(s)) << kind;
    AppHarness h;
    auto& app = h.start('a', s);
    ASSERT_TRUE(app.done()) << kind;
    EXPECT_FALSE(app.result().ok);
    EXPECT_EQ(app.result().error, kind + " needs TCP, not implemented yet");
  }
}

TEST(AppRegistry, StartingAnUnknownKindGivesAFailedTask) {
  AppHarness h;
  auto& app = h.start('a', spec_of("udp-flood"));
  ASSERT_TRUE(app.done());
  EXPECT_FALSE(app.result().ok);
  ASSERT_TRUE(app.result().error);
  EXPECT_NE(app.result().error->find("unknown app kind"), std::string::npos);
}

}  // namespace
}  // namespace strata::sim::apps
