// SPDX-License-Identifier: MIT
// MacAddress, Ipv4Address, Ipv4Cidr: text parse/format, wire load/store, prefix arithmetic.
#include "stack/wire/addresses.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace strata::wire {
namespace {

// ---- MacAddress ----

TEST(MacAddress, ParsesColonSeparatedHex) {
  auto m = MacAddress::parse("00:1f:29:da:2d:79");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->octets, (std::array<std::uint8_t, 6>{0x00, 0x1f, 0x29, 0xda, 0x2d, 0x79}));
}

TEST(MacAddress, ParsesDashSeparatorsAndUppercaseDigits) {
  auto m = MacAddress::parse("AA-BB-CC-0D-0E-0F");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->octets, (std::array<std::uint8_t, 6>{0xaa, 0xbb, 0xcc, 0x0d, 0x0e, 0x0f}));
}

TEST(MacAddress, FormatsAsLowercaseColonSeparatedHex) {
  MacAddress m{{0xAA, 0x0b, 0xC0, 0x00, 0xff, 0x01}};
  EXPECT_EQ(m.to_string(), "aa:0b:c0:00:ff:01");
  EXPECT_EQ(MacAddress{}.to_string(), "00:00:00:00:00:00");
  EXPECT_EQ(MacAddress::broadcast().to_string(), "ff:ff:ff:ff:ff:ff");
}

TEST(MacAddress, FormatThenParseRoundTrips) {
  MacAddress m{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
  EXPECT_EQ(MacAddress::parse(m.to_string()), m);
}

TEST(MacAddress, RejectsMalformedText) {
  for (std::string_view bad : {
           "",
           "00:11:22:33:44",        // five octets
           "00:11:22:33:44:55:66",  // seven octets
           "00:11:22:33:44:5",      // short last octet
           "0:11:22:33:44:55:",     // 17 chars, misaligned
           "00:11:22:33:44:5g",     // not hex
           "00.11.22.33.44.55",     // wrong separator
           "00:11:22:33:44:55 ",    // trailing junk
           " 00:11:22:33:44:55",    // leading junk
           "0x:11:22:33:44:55",
       })
    EXPECT_FALSE(MacAddress::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(MacAddress, LoadsAndStoresSixBytesInWireOrder) {
  const std::uint8_t wire[6] = {0x02, 0x01, 0x00, 0x01, 0x00, 0x00};
  const MacAddress m = MacAddress::load(core::as_bytes(wire, 6).data());
  EXPECT_EQ(m.to_string(), "02:01:00:01:00:00");
  std::array<std::byte, 8> out{};
  m.store(out.data() + 1);
  EXPECT_EQ(out[0], std::byte{0});
  EXPECT_EQ(out[1], std::byte{0x02});
  EXPECT_EQ(out[6], std::byte{0x00});
  EXPECT_EQ(out[7], std::byte{0});
  EXPECT_EQ(MacAddress::load(out.data() + 1), m);
}

TEST(MacAddress, ClassifiesBroadcastMulticastAndZero) {
  EXPECT_TRUE(MacAddress::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddress::broadcast().is_multicast());
  EXPECT_TRUE(MacAddress::parse("01:00:5e:00:00:01")->is_multicast());
  EXPECT_FALSE(MacAddress::parse("01:00:5e:00:00:01")->is_broadcast());
  EXPECT_FALSE(MacAddress::parse("02:00:00:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddress{}.is_zero());
  EXPECT_FALSE(MacAddress::broadcast().is_zero());
}

TEST(MacAddress, BitsAreEqualExactlyWhenTheAddressesAre) {
  const auto a = *MacAddress::parse("02:00:00:00:00:01");
  EXPECT_EQ(a.bits(), MacAddress::parse("02:00:00:00:00:01")->bits());
  EXPECT_EQ(MacAddress::broadcast().bits(), MacAddress::kBroadcastBits);
  EXPECT_EQ(MacAddress{}.bits(), 0u);
  // Each of the six octets, changed alone, changes the value (the 2-byte half counts as much as the 4-byte).
  for (std::size_t i = 0; i < 6; ++i) {
    MacAddress b = a;
    b.octets[i] ^= 0x80;
    EXPECT_NE(b.bits(), a.bits()) << "octet " << i;
  }
  // Read in place from a frame, at any offset, as from the value.
  std::array<std::byte, 9> frame{};
  a.store(frame.data() + 3);
  EXPECT_EQ(MacAddress::bits(frame.data() + 3), a.bits());
}

// ---- Ipv4Address ----

TEST(Ipv4Address, ParsesDottedQuadToHostOrderValue) {
  EXPECT_EQ(Ipv4Address::parse("10.0.0.1"), Ipv4Address{0x0a000001});
  EXPECT_EQ(Ipv4Address::parse("192.168.1.104"), Ipv4Address::from_octets(192, 168, 1, 104));
  EXPECT_EQ(Ipv4Address::parse("0.0.0.0"), Ipv4Address::any());
  EXPECT_EQ(Ipv4Address::parse("255.255.255.255"), Ipv4Address::broadcast());
}

TEST(Ipv4Address, FormatsDottedQuad) {
  EXPECT_EQ(Ipv4Address{0x0a000001}.to_string(), "10.0.0.1");
  EXPECT_EQ(Ipv4Address::any().to_string(), "0.0.0.0");
  EXPECT_EQ(Ipv4Address::broadcast().to_string(), "255.255.255.255");
  EXPECT_EQ(Ipv4Address::from_octets(172, 21, 79, 100).to_string(), "172.21.79.100");
}

TEST(Ipv4Address, RejectsOctetAbove255) {
  EXPECT_FALSE(Ipv4Address::parse("256.1.1.1").has_value());
  EXPECT_FALSE(Ipv4Address::parse("1.1.1.256").has_value());
  EXPECT_FALSE(Ipv4Address::parse("1.999.1.1").has_value());
}

TEST(Ipv4Address, RejectsWrongNumberOfOctets) {
  EXPECT_FALSE(Ipv4Address::parse("1.2.3").has_value());
  EXPECT_FALSE(Ipv4Address::parse("1.2.3.4.5").has_value());
  EXPECT_FALSE(Ipv4Address::parse("1").has_value());
  EXPECT_FALSE(Ipv4Address::parse("").has_value());
}

TEST(Ipv4Address, RejectsEmptyOctets) {
  for (std::string_view bad : {"1..3.4", ".1.2.3", "1.2.3.", "...", "1.2.3.4."})
    EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(Ipv4Address, RejectsLeadingJunk) {
  for (std::string_view bad : {" 1.2.3.4", "x1.2.3.4", "+1.2.3.4", "-1.2.3.4", "1.+2.3.4", "1.2.-3.4"})
    EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(Ipv4Address, RejectsTrailingJunk) {
  for (std::string_view bad : {"1.2.3.4 ", "1.2.3.4x", "1.2.3.4/24", "1.2.3.4\n"})
    EXPECT_FALSE(Ipv4Address::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(Ipv4Address, RejectsOctetsLongerThanThreeDigits) {
  EXPECT_FALSE(Ipv4Address::parse("0001.2.3.4").has_value());
  EXPECT_FALSE(Ipv4Address::parse("1.2.3.0004").has_value());
}

TEST(Ipv4Address, RejectsHexAndNonDecimalForms) {
  EXPECT_FALSE(Ipv4Address::parse("0x7f.0.0.1").has_value());
  EXPECT_FALSE(Ipv4Address::parse("2130706433").has_value());  // inet_aton accepts it, we don't
}

TEST(Ipv4Address, LoadsAndStoresBigEndian) {
  const std::uint8_t wire[4] = {0xc0, 0xa8, 0x01, 0x01};
  const Ipv4Address a = Ipv4Address::load(core::as_bytes(wire, 4).data());
  EXPECT_EQ(a.value, 0xc0a80101u);
  std::array<std::byte, 4> out{};
  Ipv4Address{0x0a000102}.store(out.data());
  EXPECT_EQ(out, (std::array<std::byte, 4>{std::byte{10}, std::byte{0}, std::byte{1}, std::byte{2}}));
}

TEST(Ipv4Address, ClassifiesSpecialAddresses) {
  EXPECT_TRUE(Ipv4Address::any().is_any());
  EXPECT_TRUE(Ipv4Address::broadcast().is_broadcast());
  EXPECT_TRUE(Ipv4Address::parse("224.0.0.1")->is_multicast());
  EXPECT_TRUE(Ipv4Address::parse("239.255.255.255")->is_multicast());
  EXPECT_FALSE(Ipv4Address::parse("240.0.0.1")->is_multicast());
  EXPECT_FALSE(Ipv4Address::parse("223.255.255.255")->is_multicast());
  EXPECT_TRUE(Ipv4Address::parse("127.0.0.1")->is_loopback());
  EXPECT_TRUE(Ipv4Address::parse("127.255.0.9")->is_loopback());
  EXPECT_FALSE(Ipv4Address::parse("128.0.0.1")->is_loopback());
}

TEST(Ipv4Address, OrdersByNumericValue) {
  EXPECT_LT(*Ipv4Address::parse("9.255.255.255"), *Ipv4Address::parse("10.0.0.0"));
  EXPECT_LT(*Ipv4Address::parse("10.0.0.2"), *Ipv4Address::parse("10.0.0.10"));
}

// ---- Ipv4Cidr ----

TEST(Ipv4Cidr, ParsesAddressAndPrefix) {
  auto c = Ipv4Cidr::parse("10.0.0.1/24");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->address, Ipv4Address::from_octets(10, 0, 0, 1));
  EXPECT_EQ(c->prefix, 24);
  EXPECT_EQ(c->to_string(), "10.0.0.1/24");
}

TEST(Ipv4Cidr, BareAddressMeansSlash32) {
  auto c = Ipv4Cidr::parse("192.168.1.1");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->prefix, 32);
  EXPECT_EQ(c->to_string(), "192.168.1.1/32");
}

TEST(Ipv4Cidr, AcceptsPrefixZeroAndThirtyTwo) {
  EXPECT_EQ(Ipv4Cidr::parse("0.0.0.0/0")->prefix, 0);
  EXPECT_EQ(Ipv4Cidr::parse("1.2.3.4/32")->prefix, 32);
}

TEST(Ipv4Cidr, RejectsPrefixAbove32) {
  EXPECT_FALSE(Ipv4Cidr::parse("1.2.3.4/33").has_value());
  EXPECT_FALSE(Ipv4Cidr::parse("1.2.3.4/255").has_value());
  EXPECT_FALSE(Ipv4Cidr::parse("1.2.3.4/4294967296").has_value());  // overflows unsigned
}

TEST(Ipv4Cidr, RejectsMalformedPrefix) {
  for (std::string_view bad : {"1.2.3.4/", "1.2.3.4/x", "1.2.3.4/24x", "1.2.3.4/-1", "1.2.3.4/+8",
                               "1.2.3.4/ 8", "1.2.3.4/8/8", "1.2.3.4//8"})
    EXPECT_FALSE(Ipv4Cidr::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(Ipv4Cidr, RejectsMalformedAddress) {
  for (std::string_view bad : {"/24", "256.0.0.0/8", "1.2.3/24", " 1.2.3.4/24", "x/8"})
    EXPECT_FALSE(Ipv4Cidr::parse(bad).has_value()) << '"' << bad << '"';
}

TEST(Ipv4Cidr, MaskHasPrefixLeadingOnes) {
  EXPECT_EQ((Ipv4Cidr{{}, 0}.mask()), 0u);
  EXPECT_EQ((Ipv4Cidr{{}, 1}.mask()), 0x80000000u);
  EXPECT_EQ((Ipv4Cidr{{}, 8}.mask()), 0xff000000u);
  EXPECT_EQ((Ipv4Cidr{{}, 24}.mask()), 0xffffff00u);
  EXPECT_EQ((Ipv4Cidr{{}, 31}.mask()), 0xfffffffeu);
  EXPECT_EQ((Ipv4Cidr{{}, 32}.mask()), 0xffffffffu);
}

TEST(Ipv4Cidr, NetworkAndBroadcastOfSlash24) {
  const auto c = *Ipv4Cidr::parse("10.0.0.77/24");
  EXPECT_EQ(c.network().to_string(), "10.0.0.0");
  EXPECT_EQ(c.broadcast().to_string(), "10.0.0.255");
}

TEST(Ipv4Cidr, NetworkAndBroadcastOfOddPrefix) {
  const auto c = *Ipv4Cidr::parse("172.21.79.97/20");
  EXPECT_EQ(c.network().to_string(), "172.21.64.0");
  EXPECT_EQ(c.broadcast().to_string(), "172.21.79.255");
}

TEST(Ipv4Cidr, PrefixZeroCoversEverything) {
  const auto c = *Ipv4Cidr::parse("10.1.2.3/0");
  EXPECT_EQ(c.mask(), 0u);
  EXPECT_EQ(c.network(), Ipv4Address::any());
  EXPECT_EQ(c.broadcast(), Ipv4Address::broadcast());
  EXPECT_TRUE(c.contains(Ipv4Address::any()));
  EXPECT_TRUE(c.contains(Ipv4Address::broadcast()));
  EXPECT_TRUE(c.contains(*Ipv4Address::parse("8.8.8.8")));
}

TEST(Ipv4Cidr, Slash32ContainsOnlyItself) {
  const auto c = *Ipv4Cidr::parse("10.0.0.1/32");
  EXPECT_TRUE(c.contains(*Ipv4Address::parse("10.0.0.1")));
  EXPECT_FALSE(c.contains(*Ipv4Address::parse("10.0.0.0")));
  EXPECT_FALSE(c.contains(*Ipv4Address::parse("10.0.0.2")));
  EXPECT_EQ(c.network(), c.address);
  EXPECT_EQ(c.broadcast(), c.address);
}

TEST(Ipv4Cidr, ContainsAddressesOfItsNetworkOnly) {
  const auto c = *Ipv4Cidr::parse("192.168.1.11/24");
  EXPECT_TRUE(c.contains(*Ipv4Address::parse("192.168.1.0")));
  EXPECT_TRUE(c.contains(*Ipv4Address::parse("192.168.1.1")));
  EXPECT_TRUE(c.contains(*Ipv4Address::parse("192.168.1.255")));
  EXPECT_FALSE(c.contains(*Ipv4Address::parse("192.168.2.1")));
  EXPECT_FALSE(c.contains(*Ipv4Address::parse("192.168.0.255")));
  EXPECT_FALSE(c.contains(*Ipv4Address::parse("10.0.0.1")));
}

TEST(Ipv4Cidr, IsUsableInConstantExpressions) {
  constexpr Ipv4Cidr c{Ipv4Address::from_octets(10, 0, 0, 1), 8};
  static_assert(c.mask() == 0xff000000u);
  static_assert(c.network() == Ipv4Address::from_octets(10, 0, 0, 0));
  static_assert(c.broadcast() == Ipv4Address::from_octets(10, 255, 255, 255));
  static_assert(c.contains(Ipv4Address::from_octets(10, 200, 0, 1)));
  SUCCEED();
}

}  // namespace
}  // namespace strata::wire
