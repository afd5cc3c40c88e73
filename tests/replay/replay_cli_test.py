#!/usr/bin/env python3
"""Checks the `strata replay` command-line contract (DESIGN.md §5) on the bundled captures.

usage: replay_cli_test.py --strata PATH --captures DIR
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cli_check import check, run, summary  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata", required=True)
    ap.add_argument("--captures", required=True)
    a = ap.parse_args()
    s = a.strata
    udp = os.path.join(a.captures, "udp.pcap")
    frag = os.path.join(a.captures, "ping-frag.pcap")

    p = run(s, "--help")
    check(p.returncode == 0 and "replay" in p.stdout, "strata --help exits 0 and lists replay")
    p = run(s, "replay", "--help")
    for opt in ("--filter", "--json", "--stats", "--limit"):
        check(opt in p.stdout, f"strata replay --help documents {opt}")
    p = run(s, "--version")
    check(p.returncode == 0 and p.stdout.startswith("strata "), "strata --version")
    p = run(s, "frobnicate")
    check(p.returncode == 2, "unknown subcommand exits 2")
    p = run(s, "replay")
    check(p.returncode == 2 and "CAPTURE" in p.stderr, "replay without a capture exits 2 naming what is missing")
    p = run(s, "replay", udp, "--limit", "0")
    check(p.returncode == 2, "--limit 0 is bad usage (exit 2)")

    p = run(s, "replay", "/nonexistent/x.pcap")
    check(p.returncode == 2 and "/nonexistent/x.pcap" in p.stderr, "missing file: exit 2, message names it")
    with tempfile.TemporaryDirectory() as d:
        junk = os.path.join(d, "junk.pcap")
        with open(junk, "wb") as f:
            f.write(b"this is not a capture file at all\n")
        p = run(s, "replay", junk)
        check(p.returncode == 2 and "junk.pcap" in p.stderr, "not a capture: exit 2, message names the file")

        # A capture cut in the middle of a record: the packets before the cut are reported, then exit 2 with the
        # file and the record number.
        full = run(s, "replay", udp, "--json")
        n_full = len(full.stdout.splitlines())
        data = open(udp, "rb").read()
        cut = os.path.join(d, "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[: len(data) * 2 // 3])
        p = run(s, "replay", cut, "--json")
        lines = p.stdout.splitlines()
        check(p.returncode == 2, "truncated file exits 2")
        check("cut.pcap" in p.stderr and "record" in p.stderr, f"truncated file message names file and record: {p.stderr.strip()}")
        check(0 < len(lines) < n_full, f"packets before the damage are reported ({len(lines)} of {n_full})")
        if lines:
            last = json.loads(lines[-1])["frame.number"]
            check(f"record {last + 1}" in p.stderr, "the record number is the one after the last reported packet")

    p = run(s, "replay", udp, "--json")
    objs = [json.loads(l) for l in p.stdout.splitlines()]
    check(p.returncode == 0 and objs, "replay --json exits 0 with output")
    check([o["frame.number"] for o in objs] == list(range(1, len(objs) + 1)), "frame numbers in capture order")
    p = run(s, "replay", udp, "--json", "--limit", "3")
    check(len(p.stdout.splitlines()) == 3, "--limit 3 gives 3 packets")
    p = run(s, "replay", udp, "--json", "--filter", "arp")
    fl = [json.loads(l) for l in p.stdout.splitlines()]
    check(p.returncode == 0 and all("arp.opcode" in o for o in fl), "--filter arp keeps only ARP")
    if fl:
        check(all(o["frame.number"] in [x["frame.number"] for x in objs] for o in fl),
              "--filter keeps the capture's own frame numbers")
    p = run(s, "replay", udp, "--filter", "not a (valid filter")
    check(p.returncode == 2 and "filter" in p.stderr, "bad filter: exit 2 with a message")

    p = run(s, "replay", frag, "--stats")
    check(p.returncode == 0 and "ipv4:" in p.stdout and "packets/s" in p.stdout, "--stats prints per-layer counters and the rate")
    check("reassembled" in p.stdout, "--stats on a fragmented capture counts reassembled datagrams")
    p = run(s, "replay", udp)
    check(p.returncode == 0 and "per-layer summary" in p.stdout and "udp" in p.stdout,
          "default output: per-packet lines and the per-layer summary")

    return summary()


if __name__ == "__main__":
    sys.exit(main())
