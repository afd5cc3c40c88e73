// SPDX-License-Identifier: MIT
// The stepper driven by scripts over scenarios built in C++: the layer boundaries a ping crosses, in the
// order the stack produces them; breakpoints stopping where they should; `back` landing on the state one step
// earlier; `print packet` decoding; what unknown commands and the end of the run say.
#include "sim/step/stepper.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/sim/step/step_support.hpp"

namespace strata::sim::step {
namespace {

using testing::exec;
using testing::factory_for;
using testing::key;
using testing::ping_pair;
using testing::run_script;
using testing::udp_echo_pair;

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

/// "id 60412" -> "id N": the ping identifier is the stack's choice, not what these tests are about.
std::string without_ids(std::string text) {
  for (std::size_t at = text.find("id "); at != std::string::npos; at = text.find("id ", at + 3)) {
    std::size_t end = at + 3;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end > at + 3) text.replace(at + 3, end - at - 3, "N");
  }
  return text;
}

#define EXPECT_CONTAINS(text, piece) \
  EXPECT_TRUE(contains(text, piece)) << "missing \"" << (piece) << "\" in:\n" << (text)

/// Every boundary of a whole run, stepping one at a time.
std::vector<std::string> all_boundaries(Stepper& s) {
  std::vector<std::string> keys;
  for (int guard = 0; guard < 10'000; ++guard) {
    const auto before = s.boundaries_passed();
    exec(s, "step");
    if (s.boundaries_passed() == before) break;
    keys.push_back(key(s, *s.current()));
  }
  return keys;
}

TEST(StepperPing, CrossesEveryLayerBoundaryInOrder) {
  Stepper s(factory_for(ping_pair()));
  ASSERT_TRUE(s.ok()) << s.error();
  const std::vector<std::string> expected = {
      // Start-up: each host announces its address (RFC 5227) as its interface comes up...
      "client arp tx send", "client link tx send", "client nic tx send", "server arp tx send",
      "server link tx send", "server nic tx send",
      // ...and the announcements arrive 1 ms later.
      "server nic rx deliver", "server link rx deliver", "server arp rx deliver", "server arp rx drop",
      "client nic rx deliver", "client link rx deliver", "client arp rx deliver", "client arp rx drop",
      // 100 ms: the ping app opens its socket and sends: the message leaves the socket, goes down and waits
      // for ARP, whose request goes out. The facade traces each call when it returns, after what it caused.
      "client socket none socket_call:socket", "client socket tx send", "client icmp tx send",
      "client ipv4 tx send", "client arp tx queue", "client arp tx send", "client link tx send",
      "client nic tx send", "client socket none socket_call:sendto",
      "client socket none socket_call:recvfrom",
      // 101 ms: the server answers the ARP request.
      "server nic rx deliver", "server link rx deliver", "server arp rx deliver", "server arp tx send",
      "server link tx send", "server nic tx send",
      // 102 ms: the reply resolves the next hop; the queued request leaves.
      "client nic rx deliver", "client link rx deliver", "client arp rx deliver", "client arp tx dequeue",
      "client link tx send", "client nic tx send",
      // 103 ms: across the link, up the server's stack, and the echo reply down it.
      "server nic rx deliver", "server link rx deliver", "server ipv4 rx deliver", "server icmp rx deliver",
      "server icmp tx send", "server ipv4 tx send", "server link tx send", "server nic tx send",
      // 104 ms: the reply up the client's stack into the ping socket, read by the app, which closes.
      "client nic rx deliver", "client link rx deliver", "client ipv4 rx deliver", "client icmp rx deliver",
      "client socket rx queue", "client socket none socket_call:recvfrom",
      "client socket none socket_call:close"};
  EXPECT_EQ(all_boundaries(s), expected);
  EXPECT_CONTAINS(exec(s, "step"), "The run has ended: no more events");
  EXPECT_CONTAINS(exec(s, "next"), "The run has ended: no more events");
}

TEST(StepperPing, OnePacketIdFollowsTheRequestDownTheClient) {
  Stepper s(factory_for(ping_pair()));
  exec(s, "break host=client layer=icmp dir=tx");
  exec(s, "continue");
  ASSERT_NE(s.current(), nullptr);
  const auto id = s.current()->packet;
  std::vector<std::string> same;
  for (int i = 0; i < 20; ++i) {
    exec(s, "step");
    const RecordedEvent& e = *s.current();
    // Packet ids are numbered per host: the same number on the server is another packet.
    if (e.packet == id && s.recorder().host_name(e.host) == "client" && !e.has_call)
      same.push_back(key(s, e));
  }
  EXPECT_EQ(same,
            (std::vector<std::string>{"client ipv4 tx send", "client arp tx queue", "client arp tx dequeue",
                                      "client link tx send", "client nic tx send"}));
}

TEST(StepperOutput, StepLinesAndSocketCalls) {
  Stepper s(factory_for(udp_echo_pair()));
  const std::string out = exec(s, "step 30");
  EXPECT_CONTAINS(out, "[   0.000000 ms] client  arp    tx send     ARP announce 10.0.0.1 is-at ");
  EXPECT_CONTAINS(out, "[  10.000000 ms] client  socket tx send     data 100 bytes\n");
  EXPECT_CONTAINS(out, "[   0.000000 ms] server  socket bind(fd=0, 0.0.0.0:7) = 0\n");
  EXPECT_CONTAINS(out, "[  10.000000 ms] client  socket connect(fd=0, 10.0.0.2:7) = 0\n");
  EXPECT_CONTAINS(out, "[  10.000000 ms] client  socket recvfrom(fd=0) = -1 EAGAIN\n");
  EXPECT_CONTAINS(out, "[  10.000000 ms] client  udp    tx send     10.0.0.1:");
  EXPECT_CONTAINS(out, " > 10.0.0.2:7 UDP len 100\n");
  EXPECT_CONTAINS(out, "[  10.000000 ms] client  arp    tx send     ARP who-has 10.0.0.2 tell 10.0.0.1\n");
  EXPECT_CONTAINS(out, "[   1.000000 ms] server  arp    rx drop     ARP announce 10.0.0.1 is-at ");
  EXPECT_CONTAINS(out, "  [arp.not_for_us]\n");
}

TEST(StepperNext, RunsTheRestOfAnEventOrTheNextOneWhole) {
  Stepper s(factory_for(ping_pair()));
  const std::string startup = exec(s, "next");
  EXPECT_CONTAINS(startup,
                  "start-up at 0.000000 ms: 6 boundaries\n  client  arp    tx send     ARP announce");
  EXPECT_EQ(s.position(), (Position{0, 6}));
  const std::string first = exec(s, "next");
  EXPECT_CONTAINS(first, "event 1 at 1.000000 ms: 4 boundaries\n  server  nic    rx deliver  ARP announce");
  EXPECT_EQ(s.position(), (Position{1, 4}));
  exec(s, "next 2");  // the client's announcement, then the app's start
  exec(s, "step");    // into the next event: one of its boundaries shown
  EXPECT_EQ(s.position().boundary, 1u);
  const std::string rest = exec(s, "next");
  EXPECT_CONTAINS(rest, "more boundar");
  EXPECT_EQ(s.position().boundary, s.recorder().size());
}

TEST(StepperBreak, HostLayerProtoPortAndTime) {
  {
    Stepper s(factory_for(ping_pair()));
    exec(s, "break host=server layer=icmp");
    const std::string out = exec(s, "continue");
    EXPECT_CONTAINS(out, "Breakpoint 1 (host=server layer=icmp), after 40 boundaries:\n");
    EXPECT_EQ(key(s, *s.current()), "server icmp rx deliver");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "server icmp tx send");
    EXPECT_CONTAINS(exec(s, "continue"), "The run has ended");
  }
  {
    Stepper s(factory_for(ping_pair()));
    exec(s, "break proto=icmp");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "client icmp tx send");
  }
  {
    Stepper s(factory_for(ping_pair()));
    exec(s, "break proto=arp host=client dir=tx");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "client arp tx send");
    EXPECT_CONTAINS(exec(s, "print packet"), "ARP announce 10.0.0.1");  // start-up: the announcement
    exec(s, "continue");  // its trip down the client's link and NIC layers is ARP too
    exec(s, "continue");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "client arp tx send");
    EXPECT_CONTAINS(exec(s, "print packet"), "ARP who-has 10.0.0.2 tell 10.0.0.1");
  }
  {
    // port= matches socket calls naming the port, then packets carrying it.
    Stepper s(factory_for(udp_echo_pair()));
    exec(s, "break port=7");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "server socket none socket_call:bind");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "client socket none socket_call:connect");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "client udp tx send");
  }
  {
    Stepper s(factory_for(ping_pair()));
    EXPECT_EQ(exec(s, "break time=103ms"), "Breakpoint 1: time=103ms\n");
    exec(s, "continue");
    EXPECT_EQ(key(s, *s.current()), "server nic rx deliver");
    EXPECT_EQ(s.current()->time, core::instant_from_ns(103'000'000));
    // Fired once: continuing runs to the end.
    EXPECT_CONTAINS(exec(s, "continue"), "The run has ended");
    EXPECT_CONTAINS(exec(s, "info"), "  1  time=103ms  (hit 1 time, spent)\n");
  }
  {
    Stepper s(factory_for(ping_pair()));
    exec(s, "break flags=SYN,ACK");  // no TCP in this run: nothing matches
    EXPECT_CONTAINS(exec(s, "continue"), "The run has ended: no more events");
    EXPECT_EQ(s.boundaries_passed(), 51u);
  }
}

TEST(StepperBreak, DeleteAndParseErrors) {
  Stepper s(factory_for(ping_pair()));
  EXPECT_EQ(exec(s, "break host=server"), "Breakpoint 1: host=server\n");
  EXPECT_EQ(exec(s, "break layer=icmp host=client"), "Breakpoint 2: host=client layer=icmp\n");
  EXPECT_EQ(exec(s, "delete 1"), "Deleted breakpoint 1.\n");
  EXPECT_EQ(exec(s, "delete 1"), "delete: no breakpoint number 1.\n");
  EXPECT_EQ(exec(s, "delete x"), "delete: expected a breakpoint number (see \"info\").\n");
  EXPECT_EQ(exec(s, "break layer=ip6"),
            "break: layer=ip6: expected one of nic, link, arp, ipv4, icmp, udp, tcp, socket\n");
  exec(s, "continue");
  EXPECT_EQ(key(s, *s.current()), "client icmp tx send");
}

TEST(StepperPrint, QueuesShowTheFramesOnEachLink) {
  Stepper s(factory_for(ping_pair()));
  // The client's address announcement has just left its NIC: it is on the wire for the link's 1 ms.
  exec(s, "break host=client layer=nic kind=send");
  exec(s, "continue");
  ASSERT_EQ(key(s, *s.current()), "client nic tx send");
  const std::string all = exec(s, "print queues");
  EXPECT_CONTAINS(all, "links:\n  client:eth0 -> server:eth0: 1 in flight (0 serializing or waiting, limit ");
  // Named, a host gets the links with an end on it; a host with no link gets no link section.
  EXPECT_CONTAINS(exec(s, "print queues server"), "\nlinks:\n  client:eth0 -> server:eth0: 1 in flight");
  // Delivered, it is off the wire.
  exec(s, "delete 1");
  exec(s, "break host=server layer=nic kind=deliver");
  exec(s, "continue");
  EXPECT_CONTAINS(exec(s, "print queues"), "  client:eth0 -> server:eth0: 0 in flight");
}

/// What the user can see of the state at the current position.
std::string state(Stepper& s) {
  return exec(s, "info") + exec(s, "print packet") + exec(s, "print socket") + exec(s, "print arp") +
         exec(s, "print queues");
}

TEST(StepperBack, AfterNStepsIsTheStateAfterNMinusOne) {
  for (int n : {2, 9, 17, 30, 44}) {
    Stepper a(factory_for(ping_pair()));
    exec(a, "step " + std::to_string(n));
    const std::string nth_line = a.boundary_line(*a.current());
    const std::string back = exec(a, "back");
    EXPECT_CONTAINS(back, "Back to event ");

    Stepper b(factory_for(ping_pair()));
    exec(b, "step " + std::to_string(n - 1));
    EXPECT_EQ(a.position(), b.position()) << n;
    EXPECT_EQ(a.boundaries_passed(), static_cast<std::uint64_t>(n - 1));
    EXPECT_EQ(state(a), state(b)) << n;
    // And forward again: the same boundary as the first time.
    EXPECT_EQ(exec(a, "step"), nth_line + "\n") << n;
  }
}

TEST(StepperBack, RepeatedBackAndBackToTheStart) {
  Stepper s(factory_for(udp_echo_pair()));
  EXPECT_EQ(exec(s, "back"), "Already at the start: no boundary to go back to.\n");
  exec(s, "step 12");
  exec(s, "back");
  exec(s, "back");
  exec(s, "back");
  EXPECT_EQ(s.boundaries_passed(), 9u);
  Stepper fresh(factory_for(udp_echo_pair()));
  exec(fresh, "step 9");
  EXPECT_EQ(state(s), state(fresh));
  Stepper one(factory_for(udp_echo_pair()));
  exec(one, "step");
  EXPECT_EQ(exec(one, "back"), "Back at the start: no boundary shown yet.\n");
  EXPECT_EQ(one.position(), (Position{0, 0}));
}

TEST(StepperBack, AfterContinueGoesToTheBoundaryBeforeTheBreakpoint) {
  Stepper s(factory_for(ping_pair()));
  exec(s, "break host=server layer=icmp");
  exec(s, "continue");
  const std::string out = exec(s, "back");
  EXPECT_CONTAINS(out, "server  ipv4   rx deliver  10.0.0.1 > 10.0.0.2 ICMP echo request");
  EXPECT_EQ(key(s, *s.current()), "server ipv4 rx deliver");
}

TEST(StepperPrint, PacketDecodesTheCurrentBoundary) {
  Stepper s(factory_for(ping_pair()));
  EXPECT_EQ(exec(s, "print packet"), "No boundary shown yet: \"step\" first.\n");
  exec(s, "break host=client layer=nic dir=tx proto=icmp");
  exec(s, "continue");
  const std::string nic = exec(s, "print packet");
  for (const char* piece :
       {"Ethernet II (98 bytes)\n", "    Type: IPv4 (0x0800)\n", "Internet Protocol Version 4\n",
        "    Source: 10.0.0.1\n    Destination: 10.0.0.2\n", "    Protocol: ICMP (1)\n",
        "Internet Control Message Protocol\n    Type: 8 (echo request)\n", "[correct]",
        "    Sequence number: 1 (0x0001)\n    Data: 56 bytes\n", "\n0000  "})
    EXPECT_CONTAINS(nic, piece);
  EXPECT_FALSE(contains(nic, "incorrect")) << nic;

  // At the ICMP layer on the way down the bytes start at the ICMP header.
  Stepper t(factory_for(ping_pair()));
  exec(t, "break layer=icmp");
  exec(t, "continue");
  const std::string icmp = exec(t, "print packet");
  EXPECT_CONTAINS(icmp, "\nInternet Control Message Protocol\n");
  EXPECT_FALSE(contains(icmp, "Ethernet II")) << icmp;
  EXPECT_CONTAINS(icmp, "\n0000  08 00 ");

  Stepper u(factory_for(ping_pair()));
  exec(u, "break layer=socket");
  exec(u, "continue");
  EXPECT_CONTAINS(exec(u, "print packet"), "A socket call: no packet at this boundary.\n");
}

TEST(StepperPrint, SocketArpRoutesQueuesAndInfo) {
  Stepper s(factory_for(ping_pair()));
  exec(s, "break host=client layer=arp kind=queue");
  exec(s, "continue");
  const std::string sockets = exec(s, "print socket client");
  EXPECT_CONTAINS(sockets, "client:\n  fd  type  local");
  EXPECT_CONTAINS(sockets, "\n  0   icmp  ");
  EXPECT_CONTAINS(exec(s, "print socket server"), "server:\n  (no open sockets)\n");
  const std::string queues = exec(s, "print queues client");
  EXPECT_CONTAINS(queues, "  arp pending: 1 packet\n    eth0 -> 10.0.0.2, 84 bytes\n");
  EXPECT_CONTAINS(queues, "  ipv4 reassembly: 0 datagram(s) in progress, 0 bytes held\n");
  EXPECT_CONTAINS(exec(s, "print arp client"), "client:\n  (ARP cache empty)\n");
  EXPECT_CONTAINS(exec(s, "print routes"),
                  "client:\n  10.0.0.0/24        on-link              dev eth0   metric 0\n");
  EXPECT_EQ(exec(s, "print routes nobody"), "print: no host named \"nobody\".\n");
  EXPECT_CONTAINS(exec(s, "print tcb"), "TCP is not in this build yet");
  EXPECT_CONTAINS(exec(s, "print"), "print: expected packet, socket, tcb, arp, routes or queues.");

  exec(s, "break host=client layer=arp kind=dequeue");
  exec(s, "continue");
  EXPECT_CONTAINS(exec(s, "print arp client"), "  eth0   10.0.0.2        ");
  const std::string info = exec(s, "info");
  EXPECT_CONTAINS(info, "Virtual time: 102.000000 ms\n");
  EXPECT_CONTAINS(info, "Position: event ");
  EXPECT_CONTAINS(info, "Breakpoints:\n  1  host=client layer=arp kind=queue  (hit 1 time)\n");
  EXPECT_CONTAINS(info, "Hosts:\n  client\n    eth0  10.0.0.1/24  ");
}

TEST(StepperScript, TranscriptEchoesCommandsAndReportsUnknownOnes) {
  Stepper s(factory_for(ping_pair()));
  std::string out = run_script(s,
                               "# comments and blank lines are skipped\n"
                               "\n"
                               "frobnicate now\n"
                               "break host=server layer=icmp\n"
                               "continue\n"
                               "quit\n"
                               "step\n");
  out = without_ids(out);
  EXPECT_EQ(out,
            "(strata) frobnicate now\n"
            "Unknown command \"frobnicate\". Try \"help\".\n"
            "(strata) break host=server layer=icmp\n"
            "Breakpoint 1: host=server layer=icmp\n"
            "(strata) continue\n"
            "Breakpoint 1 (host=server layer=icmp), after 40 boundaries:\n"
            "[ 103.000000 ms] server  icmp   rx deliver  10.0.0.1 > 10.0.0.2 ICMP echo request id N seq 1\n"
            "(strata) quit\n");
  EXPECT_CONTAINS(exec(s, "help"), "  step [N]      (s)  show the next layer boundary");
  EXPECT_EQ(exec(s, "step x"), "step: expected a count of steps (a positive number), got \"x\".\n");
}

TEST(StepperScript, NoSimulationIsReported) {
  Stepper s([](core::TraceSink*) { return std::unique_ptr<Simulation>(); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(exec(s, "step"), "No simulation: the scenario could not be built.\n");
}

}  // namespace
}  // namespace strata::sim::step
