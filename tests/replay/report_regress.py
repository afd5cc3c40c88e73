#!/usr/bin/env python3
"""Regression captures for what `strata replay --json` reports, each a case the
corpus sweep (tshark_compare.py over ../shared/corpus) found strata getting
wrong; strata must agree with tshark on all of them (100 %).

    report_regress.py --strata STRATA_BIN [--keep DIR] [--tshark PATH]

Writes the captures (standard library only, built with the helpers of
gen_test_pcaps.py) into a temporary directory (or DIR with --keep), then runs
tshark_compare.py --strata STRATA_BIN --min-agreement 1.0 on them.  Exit status
as tshark_compare.py's.  Each frame says what it builds and where the corpus
had it.  --include-pending adds cases whose fix lies outside the reporters
(stack/transport/transport_report.cpp, sim/replay/json_fields.cpp) and that
strata does not pass yet.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_test_pcaps import A, B, MA, MB, Pcap, eth, ipv4, tcp  # noqa: E402


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


CASES = [("tcp_frag", 1, gen_tcp_cases), ("time_invalid_usec", 1, gen_time_cases),
         ("tcp_header", 1, gen_tcp_header_cases), ("small", 1, gen_small_cases)]
PENDING = []


def write(outdir, pending=False):
    paths = []
    for name, linktype, fn in CASES + (PENDING if pending else []):
        path = os.path.join(outdir, name + ".pcap")
        p = Pcap(path, linktype=linktype)
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
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
