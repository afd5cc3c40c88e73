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
from gen_test_pcaps import (A, B, MA, MB, Pcap, csum, eth, icmp, ip4, ipv4, tcp, udp,  # noqa: E402
                            vlan_tag)


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


CASES = [("tcp_frag", 1, gen_tcp_cases), ("time_invalid_usec", 1, gen_time_cases),
         ("tcp_header", 1, gen_tcp_header_cases), ("small", 1, gen_small_cases),
         ("tso", 1, gen_tso_cases), ("short_wire", 1, gen_short_wire_cases)]
PENDING = []
# The verdict strata must give every frame of a capture, where the report is not the
# whole story: these datagrams are discarded, whatever Wireshark shows of them.
VERDICTS = {"tso": ("drop", "ipv4.bad_total_length"),
            "short_wire": ("drop", "ipv4.truncated")}
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
    for line in out.splitlines():
        obj = json.loads(line)
        got = (obj.get("strata.verdict"), obj.get("strata.reason"))
        if got != expected:
            print("FAIL: %s #%s: strata verdict %s, expected %s"
                  % (os.path.basename(path), obj.get("frame.number"), got, expected))
            ok = False
    return ok


if __name__ == "__main__":
    sys.exit(main())
