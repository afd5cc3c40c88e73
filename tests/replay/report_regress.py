#!/usr/bin/env python3
"""Regression captures for what `strata replay --json` reports, each a case the
corpus sweep (tshark_compare.py over ../shared/corpus) found strata getting
wrong; strata must agree with tshark on all of them (100 %).

    report_regress.py --strata STRATA_BIN [--keep DIR] [--tshark PATH]

Writes the captures (standard library only, built with the helpers of
gen_test_pcaps.py) into a temporary directory (or DIR with --keep), then runs
tshark_compare.py --strata STRATA_BIN --min-agreement 1.0 on them.  Exit status
as tshark_compare.py's, or 1 when strata's verdict on a capture listed in
VERDICTS is not the expected one (tshark has no verdict to compare it with).
Each frame says what it builds and where the corpus had it.  --include-pending
adds cases whose fix lies outside the reporters
(stack/transport/transport_report.cpp, sim/replay/json_fields.cpp) and that
strata does not pass yet.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_test_pcaps import (A, B, MA, MB, Pcap, csum, eth, icmp, ip4, ipv4, mac, tcp,  # noqa: E402
                            udp, vlan_tag)


def gen_tcp_cases(p):
    data = bytes(range(40))
    seg = tcp(A, B, 179, 40000, 1000, 2000, 0x18, 512, data)
    # 1. first fragment (MF=1, offset 0) with a bad IP header checksum: tshark does
    #    not reassemble it and dissects its TCP header directly, as an unreassembled
    #    fragment: no tcp.len, checksum unverified (2), though every byte is there.
    #    Corpus: bgp_pmsi_tunnel-oobr.pcap #1, rpki-rtr-oobr.pcap #1.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x2001, mf=True, bad_csum=True)))
    # 2. the same, all of it captured but the segment's checksum right: still 2.
    seg2 = tcp(A, B, 179, 40000, 1000, 2000, 0x18, 512, data[:8])
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg2, ident=0x2002, mf=True, bad_csum=True)))
    # 3. a whole datagram with a bad IP header checksum (not a fragment): tcp.len
    #    and a verified checksum, as before (control case).
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x2003, bad_csum=True)))


def gen_tcp_header_cases(p):
    # TcpLayer::receive reports before TcpView::parse rejects the header, as
    # Wireshark shows the fields of a header it then finds bad.
    # 1. short segment: data offset 8 (32-byte header) but ip.len leaves 20 bytes
    #    for TCP (the frame has the 32): tshark prints the header fields, no
    #    tcp.len ("Short segment"), no options, and a checksum summed over the 20
    #    bytes: bad (0).
    opts = b"\x02\x04\x05\xb4" + b"\x01" * 8
    long_hdr = tcp(A, B, 80, 40001, 5, 6, 0x10, 100, b"", options=opts)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, long_hdr, ident=0x2004, total_len=40)
              + b"\0" * 8))
    # 2. data offset 3 (< 5): ports, seq_raw, tcp.hdr_len 12, tcp.len = 20 - 12
    #    (TSHARK_NOTES.md §4, pc/edge #1).
    bad_off = bytearray(tcp(A, B, 1, 2, 3, 4, 0x10, 100))
    bad_off[12] = 3 << 4
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, bytes(bad_off), ident=0x2005)))


def gen_small_cases(p):
    # ICMP shorter than type, code and checksum: tshark shows no icmp.* field.
    # Corpus: icmp-icmp_print-oobr-1.pcap #1.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, b"\x08\x00\x00", ident=0x2006)))
    # ARP with hardware type 19 is ATM ARP (RFC 2225): tshark shows its opcode but
    # no IPv4 addresses (they are laid out otherwise).
    atm = bytes([0, 19, 8, 0, 6, 4, 0, 1]) + bytes(20)
    p.add(eth(MA, MB, 0x0806, atm))
    # Seconds past 2^31 (2038 to 2106): libpcap sign-extends them, strata must not.
    # Corpus: time_2038_overflow, time_2106_max.
    pkt = eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 1, 2, 0, 0, 0x10, 1)))
    p.add(pkt, ts=(2**31, 0))
    p.add(pkt, ts=(2**32 - 1, 999999))


def gen_time_cases(p):
    # tshark prints "secs.%09d" of the nanoseconds; a µs field of 1000000 (corpus:
    # timestamp_invalid_micro.pcap #2) gives "1700000000.1000000000", one second on.
    pkt = eth(MA, MB, 0x0800, ipv4(A, B, 6, tcp(A, B, 1, 2, 0, 0, 0x10, 1)))
    p.add(pkt, ts=(1700000000, 999999))
    p.add(pkt, ts=(1700000000, 1000000))
    p.add(pkt, ts=(1700000000, 1999999))


def tcp_big(src, dst, sport, dport, seq, ack, flags, win, data, options=b""):
    """A TCP segment whose checksum sums the length as Wireshark's pseudo-header holds
    it, in 32 bits (tcp() packs 16: a BIG TCP segment exceeds 65535 bytes)."""
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + options + data
    c = csum(ip4(src) + ip4(dst) + struct.pack("!I", (6 << 16) + len(seg)) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def gen_tso_cases(p):
    # IPv4 total length 0: a TSO/GSO super-packet captured (on Linux) before the NIC
    # segmented it; BIG TCP makes it longer than 65535.  tshark takes the frame's wire
    # length minus the link header for ip.len and dissects the transport with it; strata
    # drops it (ipv4.bad_total_length, as a host would) but reports the same fields.
    # Corpus: bigtcp-ipv4*.pcap, ipv4_tcp_http_xml_tso.pcap, icmp-length-zero.pcapng.
    ts_opts = b"\x01\x01\x08\x0a" + bytes(8)
    big = tcp_big(A, B, 35871, 36425, 4155358606, 17023525, 0x18, 635, b"netperf\0" * 10000,
                  options=ts_opts)
    # 1. BIG TCP, all 80066 bytes captured: ip.len 80052, tcp.len 80000, and a checksum
    #    verified over the whole segment with its 32-bit length in the pseudo-header (1).
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, big, ident=0x3001, df=True, total_len=0)))
    # 2. the same cut by the snaplen (200 of 80066 bytes): ip.len from the wire length,
    #    not from the capture; tcp.len 80000; checksum 2.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, big, ident=0x3002, df=True, total_len=0)), caplen=200)
    # 3. TSO under 64 KiB with the partial checksum the stack leaves for the NIC: bad (0).
    seg = tcp(A, B, 39556, 8080, 1891338696, 727404759, 0x18, 256, b"x" * 1976, bad_csum=True)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x3003, df=True, total_len=0)))
    # 4. a bad IPv4 header checksum too: ip.checksum.status 0, the TCP fields all there.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x3004, total_len=0, bad_csum=True)))
    # 5. BIG UDP (a VXLAN super-packet): udp.length 0 is bogus, no checksum status.
    vx = struct.pack("!HHHH", 47044, 4789, 0, 0x1234) + bytes(70000)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, vx, ident=0x3005, total_len=0)))
    # 6. UDP whose length (100) ends inside the capture while the IP payload (3000 bytes
    #    on the wire) does not: unverified (2), as tshark checksums only a whole payload.
    u = udp(A, B, 40000, 40001, bytes(range(92))) + bytes(2900)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, u, ident=0x3006, total_len=0)), caplen=300)
    # 7. ... and with all of it captured: verified over the 100 bytes (1).
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, u, ident=0x3007, total_len=0)))
    # 8. ICMP: icmp.type and icmp.code.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 1, icmp(8, 0, b"\0\1\0\1", bytes(3000)), ident=0x3008,
                                   total_len=0)))
    # 9. a first fragment (MF=1) with a good header, all captured: tshark holds it for
    #    reassembly and shows no transport field.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x3009, mf=True, total_len=0)))
    # 10. the same cut by the snaplen: not reassembled, dissected as a fragment (no
    #     tcp.len, checksum 2).
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x300a, mf=True, total_len=0)), caplen=100)
    # 11. a later fragment (offset 1480): no transport field.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x300b, frag=185, total_len=0)))
    # 12. behind an 802.1Q tag: ip.len is the wire length minus 18.
    p.add(eth(MA, MB, 0x8100, vlan_tag(0x8100, 42, 0x0800)[2:]
              + ipv4(A, B, 6, seg, ident=0x300c, df=True, total_len=0)))


def gen_short_wire_cases(p):
    # A frame shorter on the wire than its ip.len (not a snaplen cut: caplen == len):
    # tshark bounds the IP payload by the wire, so tcp.len and the checksums come from
    # the bytes the frame has.  Corpus: kday4.pcap #10, kday7.pcap #10.
    data = bytes(range(200))
    seg = tcp(A, B, 80, 40002, 7, 8, 0x18, 300, data)
    # 1. ip.len says 1040, the frame carries 220 bytes of TCP: tcp.len 200, checksum 1.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x3101, total_len=1040)))
    # 2. the same segment with a bad checksum: 0.
    bad = tcp(A, B, 80, 40002, 7, 8, 0x18, 300, data, bad_csum=True)
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, bad, ident=0x3102, total_len=1040)))
    # 3. a first fragment (MF=1) as short: no tcp.len, checksum 2.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 6, seg, ident=0x3103, mf=True, total_len=1040)))
    # 4. UDP whose length fits in the frame: verified (1); 5. one past it: 2.
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1, 2, data), ident=0x3104, total_len=1040)))
    p.add(eth(MA, MB, 0x0800, ipv4(A, B, 17, udp(A, B, 1, 2, data, length=600), ident=0x3105,
                                   total_len=1040)))


def port_unreachable(quoted, ident, **outer):
    """An ICMP port unreachable from B to A quoting `quoted` (an IPv4 datagram from A)."""
    return eth(MB, MA, 0x0800, ipv4(B, A, 1, icmp(3, 3, bytes(4), quoted), ident=ident, **outer))


def gen_icmp_quote_dropped_cases(p):
    # An ICMP error whose own IPv4 header checksum is bad: IPv4 drops it, but tshark
    # dissects the ICMP message and the datagram it quotes all the same (Icmp::report ->
    # Ipv4Layer::report_quote -> the quoted protocol's report).  Corpus:
    # icmp-cksum-oobr-1.pcap #1 (SLL, udp checksum 0), icmp-cksum-oobr-3.pcapng #1 (1).
    data = bytes(range(20))
    dgram = ipv4(A, B, 17, udp(A, B, 40000, 53, data), ident=0x4001)
    # 1. IP header + 8 bytes quoted: udp.* from the quote, checksum unverified (2).
    p.add(port_unreachable(dgram[:28], 0x5001, bad_csum=True))
    # 2. the whole datagram quoted: checksum verified (1).
    p.add(port_unreachable(dgram, 0x5002, bad_csum=True))
    # 3. ... with a bad UDP checksum: 0 (icmp-cksum-oobr-1.pcap).
    bad = ipv4(A, B, 17, udp(A, B, 40000, 53, data, bad_csum=True), ident=0x4003)
    p.add(port_unreachable(bad, 0x5003, bad_csum=True))
    # 4. the outer datagram a first fragment (MF=1), not reassembled: the quote is
    #    dissected as usual (1).
    p.add(port_unreachable(dgram, 0x5004, bad_csum=True, mf=True))
    # 5. quoting TCP: the quoted header's fields, no seq_raw nor tcp.len (§6).
    seg = tcp(A, B, 80, 40000, 1, 2, 0x12, 100, b"abc")
    p.add(port_unreachable(ipv4(A, B, 6, seg, ident=0x4005), 0x5005, bad_csum=True))
    # 6. time exceeded quoting an ICMP echo: icmp.type/code stay the outer message's.
    echo = ipv4(A, B, 1, icmp(8, 0, b"\0\1\0\2", b"hello"), ident=0x4006)
    p.add(eth(MB, MA, 0x0800, ipv4(B, A, 1, icmp(11, 0, bytes(4), echo), ident=0x5006,
                                   bad_csum=True)))
    # 7. the quoted datagram is a fragment (MF=1): no udp.*.
    frag = ipv4(A, B, 17, udp(A, B, 40000, 53, data), ident=0x4007, mf=True)
    p.add(port_unreachable(frag, 0x5007, bad_csum=True))
    # 8. the capture ends 6 bytes into the quoted UDP header: ports and length only.
    p.add(port_unreachable(dgram, 0x5008, bad_csum=True), caplen=14 + 20 + 8 + 20 + 6)


def gen_icmp_quote_other_cases(p):
    # The quote is reported by the report path too when the error is otherwise
    # refused: tshark dissects it whatever the ICMP checksum or the outer length says.
    data = bytes(range(20))
    dgram = ipv4(A, B, 17, udp(A, B, 40000, 53, data), ident=0x4101)
    # 1. a good outer header, a bad ICMP checksum (icmp.bad_checksum): udp.* 1.
    msg = bytearray(icmp(3, 3, bytes(4), dgram))
    msg[2] ^= 0x55
    p.add(eth(MB, MA, 0x0800, ipv4(B, A, 1, bytes(msg), ident=0x5101)))
    # 2. an outer datagram longer than its frame (ipv4.truncated): udp.* 1.
    p.add(port_unreachable(dgram, 0x5102, total_len=400))


def rarp(op, sha, spa, tha, tpa):
    """An Ethernet/IPv4 ARP body with a RARP opcode (RFC 903: 3 request, 4 reply)."""
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + mac(sha) + ip4(spa) + mac(tha) + ip4(tpa)


def gen_rarp_cases(p):
    # EtherType 0x8035: tshark decodes RARP with its ARP dissector (chain
    # eth:ethertype:arp); strata reports the same arp.* fields and drops it (arp.rarp).
    # 1. a request: "who am I", the sender's addresses unknown.
    p.add(eth(MA, "ff:ff:ff:ff:ff:ff", 0x8035, rarp(3, MA, "0.0.0.0", MA, "0.0.0.0")))
    # 2. the server's reply: the target's IPv4 address is the answer.
    p.add(eth(MB, MA, 0x8035, rarp(4, MB, B, MA, A)))
    # 3. unknown hardware and protocol types, sizes 0: arp.opcode only.  Corpus:
    #    getname_2_read4_asan.pcap #1.
    p.add(eth(MB, MA, 0x8035, struct.pack("!HHBBH", 0xff00, 0x8b01, 0, 0, 4)))
    # 4. behind an 802.1Q tag.
    p.add(eth(MB, MA, 0x8100, vlan_tag(0x8100, 7, 0x8035)[2:] + rarp(4, MB, B, MA, A)))


CASES = [("tcp_frag", 1, gen_tcp_cases), ("time_invalid_usec", 1, gen_time_cases),
         ("tcp_header", 1, gen_tcp_header_cases), ("small", 1, gen_small_cases),
         ("tso", 1, gen_tso_cases), ("short_wire", 1, gen_short_wire_cases),
         ("icmp_quote_dropped", 1, gen_icmp_quote_dropped_cases),
         ("icmp_quote_other", 1, gen_icmp_quote_other_cases), ("rarp", 1, gen_rarp_cases)]
PENDING = []
# The verdict strata must give every frame of a capture (or each frame, in a list),
# where the report is not the whole story: these are discarded, whatever Wireshark
# shows of them.
VERDICTS = {"tso": ("drop", "ipv4.bad_total_length"),
            "short_wire": ("drop", "ipv4.truncated"),
            "icmp_quote_dropped": ("drop", "ipv4.bad_checksum"),
            "icmp_quote_other": [("drop", "icmp.bad_checksum"), ("drop", "ipv4.truncated")],
            "rarp": ("drop", "arp.rarp")}
# A file snaplen other than 65535, per capture: libpcap cuts a record at the file's
# snaplen (tshark does not), and BIG TCP records exceed 65535 (Linux captures at 262144).
SNAPLEN = {"tso": 262144}


def write(outdir, pending=False):
    paths = []
    for name, linktype, fn in CASES + (PENDING if pending else []):
        path = os.path.join(outdir, name + ".pcap")
        p = Pcap(path, linktype=linktype, snaplen=SNAPLEN.get(name, 65535))
        fn(p)
        p.close()
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strata", required=True, metavar="PATH")
    ap.add_argument("--tshark", default="tshark", metavar="PATH")
    ap.add_argument("--keep", metavar="DIR", help="write the captures to DIR and keep them")
    ap.add_argument("--include-pending", action="store_true",
                    help="also the cases whose fix lies outside the reporters (see PENDING)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.keep or tmp
        os.makedirs(outdir, exist_ok=True)
        paths = write(outdir, args.include_pending)
        cmd = [sys.executable, os.path.join(HERE, "tshark_compare.py"), "--strata", args.strata,
               "--tshark", args.tshark, "--min-agreement", "1.0", "--show", "50"] + paths
        status = subprocess.run(cmd).returncode
        for path in paths:
            name = os.path.splitext(os.path.basename(path))[0]
            if name in VERDICTS and not verdicts_ok(args.strata, path, VERDICTS[name]):
                status = status or 1
        return status


def verdicts_ok(strata, path, expected):
    out = subprocess.run([strata, "replay", path, "--json"], capture_output=True, text=True,
                         timeout=300).stdout
    ok = True
    lines = out.splitlines()
    if isinstance(expected, list) and len(lines) != len(expected):
        print("FAIL: %s: %d frames, %d verdicts expected"
              % (os.path.basename(path), len(lines), len(expected)))
        return False
    for i, line in enumerate(lines):
        obj = json.loads(line)
        got = (obj.get("strata.verdict"), obj.get("strata.reason"))
        want = expected[i] if isinstance(expected, list) else expected
        if got != want:
            print("FAIL: %s #%s: strata verdict %s, expected %s"
                  % (os.path.basename(path), obj.get("frame.number"), got, want))
            ok = False
    return ok


if __name__ == "__main__":
    sys.exit(main())
