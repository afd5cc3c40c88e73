// SPDX-License-Identifier: MIT
// Reason: the table of drop reasons. Names are a contract ("layer.reason" in JSON, counters, traces).
#include "stack/core/reason.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace strata::core {
namespace {

constexpr std::size_t kReasons = static_cast<std::size_t>(Reason::kCount);

TEST(Reason, TableListsEveryReasonInEnumOrder) {
  ASSERT_EQ(kReasonTable.size(), kReasons);
  for (std::size_t i = 0; i < kReasons; ++i) EXPECT_EQ(static_cast<std::size_t>(kReasonTable[i].reason), i);
}

TEST(Reason, EveryReasonHasAUniqueName) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kReasons; ++i) {
    const std::string_view n = name(static_cast<Reason>(i));
    EXPECT_FALSE(n.empty()) << i;
    EXPECT_TRUE(seen.insert(n).second) << "duplicate name " << n;
  }
}

TEST(Reason, EveryReasonButNoneIsNamedLayerDotReason) {
  const std::set<std::string_view> layers = {"nic", "link", "arp", "ipv4", "icmp", "udp", "tcp"};
  for (std::size_t i = 1; i < kReasons; ++i) {
    const auto r = static_cast<Reason>(i);
    const std::string_view n = name(r);
    const auto dot = n.find('.');
    ASSERT_NE(dot, std::string_view::npos) << n;
    EXPECT_EQ(n.find('.', dot + 1), std::string_view::npos) << n << ": one dot only";
    EXPECT_TRUE(layers.count(n.substr(0, dot))) << n << ": unknown layer";
    EXPECT_LT(dot + 1, n.size()) << n;
    EXPECT_EQ(layer_name(r), n.substr(0, dot));
    for (char ch : n)
      EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.') << n;
  }
}

TEST(Reason, NoneIsNamedNone) {
  EXPECT_EQ(name(Reason::None), "none");
  EXPECT_EQ(layer_name(Reason::None), "none");
}

TEST(Reason, KeepsContractNames) {
  EXPECT_EQ(name(Reason::NicNoBuffer), "nic.no_buffer");
  EXPECT_EQ(name(Reason::LinkTruncated), "link.truncated");
  EXPECT_EQ(name(Reason::LinkTooManyTags), "link.too_many_tags");
  EXPECT_EQ(name(Reason::ArpUnsupportedHardware), "arp.unsupported_hardware");
  EXPECT_EQ(name(Reason::ArpRarp), "arp.rarp");
  EXPECT_EQ(name(Reason::Ipv4BadChecksum), "ipv4.bad_checksum");
  EXPECT_EQ(name(Reason::Ipv4TtlExceeded), "ipv4.ttl_exceeded");
  EXPECT_EQ(name(Reason::IcmpBadChecksum), "icmp.bad_checksum");
  EXPECT_EQ(name(Reason::UdpPortUnreachable), "udp.port_unreachable");
  EXPECT_EQ(name(Reason::TcpTruncatedOptions), "tcp.truncated_options");
  EXPECT_EQ(name(Reason::TcpNoSocket), "tcp.no_socket");
}

TEST(Reason, NamesAreConstantExpressions) {
  static_assert(name(Reason::Ipv4BadChecksum) == "ipv4.bad_checksum");
  static_assert(layer_name(Reason::UdpBadLength) == "udp");
  SUCCEED();
}

}  // namespace
}  // namespace strata::core
