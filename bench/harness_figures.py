#!/usr/bin/env python3
"""strata-bench's figures in the peer harness's line format, for `peers/run.sh --extra`.

The harness (../shared/peers/run.sh) runs its sections, then CMD given with --extra, and saves every figure line
of the run to peers/data/run-<UTC time>.txt while it runs. This script is such a CMD: it runs strata-bench on the
benchmarks DESIGN.md §8 sets targets for, prints each as `strata.<benchmark> <median> <unit> min= max= n=`, and
then the targets' ratios, taken within this one run:

  strata.udp_rx_64.rate_over_lwip, strata.udp_rx_1472.rate_over_lwip   (>= 3: lwIP's ns / strata's ns, where
      lwIP's figure is the harness's lwip.udp_rx_N.ns_per_dgram from the run log being written, when it has one)
  strata.checksum_1460.over_memcpy                                      (>= 0.5: BM_Checksum/1460 over BM_Memcpy/1460)
  strata.sim_e2e.over_rx_64                                              (BM_SimUdpEndToEnd over BM_RxUdp/64)

usage: harness_figures.py [--bench PATH] [--log PATH] [--reps N]
  --bench  strata-bench (default: build/strata-bench beside this script's folder)
  --log    the harness's run log to read lwIP's figures from (default: the newest data/run-*.txt under the
           current directory, which is peers/ when the harness runs this)
Exit 0, or 2 on bad usage or when strata-bench fails or prints no figure.
"""
import argparse
import glob
import os
import statistics
import sys

from strata_bench_json import run_benchmarks

FILTER = "^BM_(RxUdp/(64|1472)|TxUdp/64|Checksum/1460|Memcpy/1460|RxArp|RxIcmpEcho|SimUdpEndToEnd|EngineEvents.*)$"


def fail(msg):
    print(f"harness_figures: {msg}", file=sys.stderr)
    sys.exit(2)


def figure(name, values, unit, fmt="{:.1f}"):
    med = statistics.median(values)
    print(f"{name} {fmt.format(med)} {unit} min={fmt.format(min(values))} max={fmt.format(max(values))} n={len(values)}")
    return med


def ratio(name, value):
    print(f"{name} {value:.2f} x min={value:.2f} max={value:.2f} n=1")


def lwip_figures(log):
    """lwIP's ns/datagram by size, from a harness run log (empty when there is none or it has no lwIP line)."""
    out = {}
    if not log or not os.path.isfile(log):
        return out
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            for size in (64, 1472):
                if len(parts) >= 2 and parts[0] == f"lwip.udp_rx_{size}.ns_per_dgram":
                    try:
                        out[size] = float(parts[1])
                    except ValueError:
                        pass
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(here, "..", "build", "strata-bench"))
    ap.add_argument("--log", default=None)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    if args.reps < 1:
        fail("--reps must be at least 1")
    if not os.access(args.bench, os.X_OK):
        fail(f"{args.bench}: not an executable strata-bench (build it first)")
    log = args.log
    if log is None:
        runs = sorted(glob.glob("data/run-*.txt"), key=os.path.getmtime)
        log = runs[-1] if runs else None

    runs = run_benchmarks(args.bench, [f"--benchmark_filter={FILTER}", "--benchmark_min_time=0.2",
                                       f"--benchmark_repetitions={args.reps}",
                                       "--benchmark_enable_random_interleaving=true"], 1800, fail)

    ns, gbps = {}, {}
    for r in runs:
        if r.get("run_type") != "iteration":
            continue
        if "error_occurred" in r and r["error_occurred"]:
            fail(f"{r['name']}: {r.get('error_message', 'failed')}")
        name = r.get("run_name", r["name"])
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[r.get("time_unit", "ns")]
        ns.setdefault(name, []).append(r["real_time"] * scale)
        if "bytes_per_second" in r:
            gbps.setdefault(name, []).append(r["bytes_per_second"] / 1e9)
    if "BM_RxUdp/64" not in ns:
        fail("strata-bench printed no BM_RxUdp/64 figure")

    med = {}
    for name in sorted(ns):
        med[name] = figure(f"strata.{name}", ns[name], "ns")
    for name in ("BM_Checksum/1460", "BM_Memcpy/1460"):
        if name in gbps:
            med[name + ".gbps"] = figure(f"strata.{name}.throughput", gbps[name], "GB/s")

    lwip = lwip_figures(log)
    for size in (64, 1472):
        if size in lwip and f"BM_RxUdp/{size}" in med:
            ratio(f"strata.udp_rx_{size}.rate_over_lwip", lwip[size] / med[f"BM_RxUdp/{size}"])
    if "BM_Checksum/1460.gbps" in med and "BM_Memcpy/1460.gbps" in med:
        ratio("strata.checksum_1460.over_memcpy", med["BM_Checksum/1460.gbps"] / med["BM_Memcpy/1460.gbps"])
    if "BM_SimUdpEndToEnd" in med:
        ratio("strata.sim_e2e.over_rx_64", med["BM_SimUdpEndToEnd"] / med["BM_RxUdp/64"])
    if lwip:
        print(f"harness_figures: lwIP figures from {log}", file=sys.stderr)
    else:
        print("harness_figures: no lwIP figure in this run's log; ratios to lwIP left out", file=sys.stderr)


if __name__ == "__main__":
    main()
