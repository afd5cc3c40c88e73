#!/usr/bin/env python3
"""Replays every file of a capture corpus through `strata replay --json` and checks that nothing goes wrong.

For each file:
  - strata must exit 0 (libpcap read it to its end) or 2 (unreadable or damaged file), never crash or hang
    (a signal, a sanitizer report, or the time limit is a failure);
  - with exit 2, stderr must name the file; with exit 0, stderr must be empty (sanitizer reports land there);
  - every line on stdout is a JSON object carrying frame.number, strata.layer and strata.verdict, with
    strata.reason when the verdict is drop;
  - with exit 0, the number of packets must equal the records libpcap reads (tcpdump -r counts them), so every
    packet got a verdict.

usage: corpus_robustness.py --strata PATH DIR [--jobs N] [--timeout S]
Exit 0 when every file passes, 1 otherwise, 2 on usage errors.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

VERDICTS = {"deliver", "drop", "reassembling"}


def count_records(path):
    """Records libpcap reads before it stops (end or damage), via tcpdump --count; None when tcpdump is unavailable."""
    try:
        p = subprocess.run(["tcpdump", "--count", "-r", path], capture_output=True, timeout=120)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    m = re.search(rb"^(\d+) packets?", p.stdout, re.M)
    return int(m.group(1)) if m else None


def check_file(strata, path, timeout):
    problems = []
    try:
        p = subprocess.run([strata, "replay", path, "--json"], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return path, [f"timed out after {timeout} s"], 0
    err = p.stderr.decode(errors="replace")
    if p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}: {err[-500:]}")
    elif p.returncode not in (0, 2):
        problems.append(f"exit {p.returncode}: {err[-500:]}")
    if "Sanitizer" in err or "runtime error" in err:
        problems.append(f"sanitizer report: {err[-800:]}")
    if p.returncode == 2 and os.path.basename(path) not in err:
        problems.append(f"exit 2 without naming the file: {err.strip()[:200]}")
    if p.returncode == 0 and err.strip():
        problems.append(f"exit 0 with stderr: {err.strip()[:200]}")
    lines = p.stdout.decode(errors="replace").splitlines()
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {i + 1}: not JSON ({e}): {line[:120]}")
            break
        if "frame.number" not in obj or "strata.layer" not in obj or obj.get("strata.verdict") not in VERDICTS:
            problems.append(f"line {i + 1}: no verdict: {line[:160]}")
            break
        if obj["strata.verdict"] == "drop" and "strata.reason" not in obj:
            problems.append(f"line {i + 1}: drop without strata.reason")
            break
    if p.returncode == 0:
        expected = count_records(path)
        if expected is not None and expected != len(lines):
            problems.append(f"{len(lines)} packets reported, libpcap reads {expected}")
    return path, problems, len(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("dir")
    a = ap.parse_args()
    if not os.path.isdir(a.dir):
        print(f"corpus_robustness: no such directory: {a.dir}", file=sys.stderr)
        return 2
    if not os.access(a.strata, os.X_OK):
        print(f"corpus_robustness: not executable: {a.strata}", file=sys.stderr)
        return 2
    files = sorted(os.path.join(root, f) for root, _, names in os.walk(a.dir) for f in names)
    failed = 0
    packets = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for path, problems, n in ex.map(lambda f: check_file(a.strata, f, a.timeout), files):
            packets += n
            if problems:
                failed += 1
                print(f"FAIL {path}")
                for pr in problems:
                    print(f"    {pr}")
    print(f"{len(files)} files, {packets} packets: {len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
