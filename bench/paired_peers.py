#!/usr/bin/env python3
"""Paired rounds of strata's and lwIP's UDP receive benchmarks: the ratio within each round, then its median.

The peer harness (../shared/peers/run.sh) measures lwIP for a few seconds and, later in the same run, strata
through `--extra`. On a shared VM whose speed moves between levels for seconds at a time, those two stretches
can land on different levels, and the ratio then measures the machine, not the code. Here each round runs
lwIP's benchmark and strata's back to back (alternating which goes first, each for well under a second), so
both see the same machine; the figure is the median of the per-round ratios, with their min and max.

Output: figure lines in the harness's format (`<name> <median> <unit> min= max= n=`), so this script can be
the harness's extra command:

  peers/run.sh --only lwip --extra 'bench/paired_peers.py --lwip peers/build/lwip_bench --bench build/strata-bench'

usage: paired_peers.py --lwip PATH --bench PATH [--rounds N]
Exit 0, or 2 on bad usage or when a benchmark fails or prints no figure.
"""
import argparse
import os
import statistics
import subprocess
import sys

from strata_bench_json import run_benchmarks

SIZES = (64, 1472)


def fail(msg):
    print(f"paired_peers: {msg}", file=sys.stderr)
    sys.exit(2)


def run_lwip(path):
    """lwIP's ns/datagram for each size: the median of 5 short repetitions (--quick: 16 K datagrams each)."""
    p = subprocess.run([path, "--quick", "--reps", "5"], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        fail(f"{path} exited {p.returncode}: {p.stderr.strip()[-300:]}")
    out = {}
    for line in p.stdout.splitlines():
        f = line.split()
        for size in SIZES:
            if len(f) >= 2 and f[0] == f"lwip.udp_rx_{size}.ns_per_dgram":
                out[size] = float(f[1])
    if set(out) != set(SIZES):
        fail(f"{path} printed no lwip.udp_rx_*.ns_per_dgram figures")
    return out


def run_strata(path):
    """strata's ns/frame for each size: the median of 5 repetitions of BM_RxUdp/N."""
    runs = run_benchmarks(path, ["--benchmark_filter=^BM_RxUdp/(64|1472)$", "--benchmark_min_time=0.05",
                                 "--benchmark_repetitions=5"], 300, fail)
    out = {}
    for size in SIZES:
        v = [b["cpu_time"] for b in runs
             if b.get("run_type") == "iteration" and b.get("run_name") == f"BM_RxUdp/{size}"]
        if not v:
            fail(f"{path} printed no BM_RxUdp/{size} run")
        out[size] = statistics.median(v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lwip", required=True, help="the harness's build/lwip_bench")
    ap.add_argument("--bench", required=True, help="strata's strata-bench")
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    for path in (a.lwip, a.bench):
        if not os.access(path, os.X_OK):
            fail(f"not an executable: {path}")
    if a.rounds < 1:
        fail("--rounds must be at least 1")

    ratios = {size: [] for size in SIZES}
    lwip_ns = {size: [] for size in SIZES}
    strata_ns = {size: [] for size in SIZES}
    for r in range(a.rounds):
        if r % 2 == 0:
            lw, st = run_lwip(a.lwip), run_strata(a.bench)
        else:
            st, lw = run_strata(a.bench), run_lwip(a.lwip)
        for size in SIZES:
            lwip_ns[size].append(lw[size])
            strata_ns[size].append(st[size])
            ratios[size].append(lw[size] / st[size])
        print(f"paired_peers: round {r + 1}/{a.rounds}: " +
              ", ".join(f"{size} B lwIP {lw[size]:.1f} ns, strata {st[size]:.1f} ns, {lw[size] / st[size]:.2f}x"
                        for size in SIZES), file=sys.stderr)

    n = a.rounds
    for size in SIZES:
        for name, v, unit in ((f"paired.lwip.udp_rx_{size}.ns_per_dgram", lwip_ns[size], "ns"),
                              (f"paired.strata.BM_RxUdp/{size}", strata_ns[size], "ns"),
                              (f"paired.udp_rx_{size}.strata_rate_over_lwip", ratios[size], "x")):
            prec = 2 if unit == "x" else 1
            print(f"{name} {statistics.median(v):.{prec}f} {unit} min={min(v):.{prec}f} max={max(v):.{prec}f} n={n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
