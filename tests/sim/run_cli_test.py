#!/usr/bin/env python3
"""Checks the `strata run` command-line contract (DESIGN.md §5 run, §6 scenario files).

usage: run_cli_test.py --strata PATH --scenarios DIR
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cli_check import check, run, summary  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata", required=True)
    ap.add_argument("--scenarios", required=True)
    a = ap.parse_args()
    s = a.strata
    scen = lambda n: os.path.join(a.scenarios, n + ".toml")

    p = run(s, "run", "--help")
    for opt in ("--seed", "--until", "--pcap-dir", "--json", "--max-events"):
        check(p.returncode == 0 and opt in p.stdout, f"strata run --help documents {opt}")

    # Every bundled scenario runs, succeeds, and its JSON summary has the contract's fields.
    for path in sorted(glob.glob(os.path.join(a.scenarios, "*.toml"))):
        name = os.path.basename(path)
        p = run(s, "run", path, "--json")
        check(p.returncode == 0, f"{name}: exit 0 (stderr: {p.stderr.strip()[:200]})")
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            check(False, f"{name}: --json prints one JSON object")
            continue
        check(set(doc) >= {"seed", "sim_time_ns", "events", "apps", "hosts", "links"}, f"{name}: top-level keys")
        for app in doc["apps"]:
            keys = {"host", "kind", "ok", "bytes_sent", "bytes_received", "verified", "started_ns", "finished_ns",
                    "error"}
            check(set(app) >= keys, f"{name}: app {app.get('host')}/{app.get('kind')} has every contract key")
            check(app["ok"] is True, f"{name}: app {app.get('host')}/{app.get('kind')} ok")
        for h in doc["hosts"]:
            check(isinstance(h.get("counters"), dict) and h["counters"].get("nic.rx", 0) > 0,
                  f"{name}: host {h.get('name')} has counters")
        for l in doc["links"]:
            check({"a", "b", "frames", "dropped"} <= set(l), f"{name}: link {l.get('a')} has frames and dropped")
        p2 = run(s, "run", path)
        check(p2.returncode == 0 and "apps" in p2.stdout and "hosts" in p2.stdout,
              f"{name}: human summary names apps and hosts")

    # --seed and --until override the file; the same seed gives the same bytes.
    p1 = run(s, "run", scen("lossy-udp"), "--json", "--seed", "5")
    p2 = run(s, "run", scen("lossy-udp"), "--json", "--seed", "5")
    p3 = run(s, "run", scen("lossy-udp"), "--json", "--seed", "6")
    check(p1.stdout == p2.stdout and p1.stdout != p3.stdout, "--seed: same seed same summary, other seed differs")
    check(json.loads(p1.stdout)["seed"] == 5, "--seed shows in the summary")
    p = run(s, "run", scen("udp-echo"), "--json", "--until", "250ms")
    doc = json.loads(p.stdout)
    check(doc["sim_time_ns"] == 250_000_000, "--until 250ms stops at 250 ms of virtual time")

    # --pcap-dir: one Wireshark-readable file per interface, HOST-IFACE.pcap.
    d = tempfile.mkdtemp()
    try:
        p = run(s, "run", scen("ping-through-router"), "--pcap-dir", d)
        files = sorted(os.listdir(d))
        check(files == ["client-eth0.pcap", "r1-eth0.pcap", "r1-eth1.pcap", "server-eth0.pcap"],
              f"--pcap-dir writes HOST-IFACE.pcap per interface ({files})")
        if shutil.which("tshark"):
            t = run("tshark", "-r", os.path.join(d, "r1-eth1.pcap"), "-T", "fields", "-e", "ip.ttl", "-e",
                    "icmp.type", "-Y", "icmp")
            rows = [r.split("\t") for r in t.stdout.splitlines()]
            check(t.returncode == 0 and len(rows) == 8, f"tshark reads r1-eth1.pcap: 8 ICMP packets ({len(rows)})")
            check(any(r == ["63", "8"] for r in rows), "the router's forwarded echo request has TTL 63")
            t = run("tshark", "-r", os.path.join(d, "client-eth0.pcap"), "-T", "fields", "-e", "frame.time_epoch",
                    "-c", "1")
            check(t.returncode == 0 and t.stdout.strip() != "", "simulated timestamps are readable")
    finally:
        shutil.rmtree(d)

    # Bad input: exit 2 with file, line and key.
    d = tempfile.mkdtemp()
    try:
        bad = os.path.join(d, "bad.toml")
        with open(bad, "w") as f:
            f.write('[sim]\nseed = 1\n\n[[host]]\nname = "a"\ncolour = "blue"\n')
        p = run(s, "run", bad)
        check(p.returncode == 2 and "bad.toml:6" in p.stderr and "colour" in p.stderr,
              f"unknown key: exit 2 naming file:line and key ({p.stderr.strip()})")
        p = run(s, "run", os.path.join(d, "missing.toml"))
        check(p.returncode == 2 and "missing.toml" in p.stderr, "missing file: exit 2 naming it")
        p = run(s, "run", scen("udp-echo"), "--until", "soon")
        check(p.returncode == 2 and "--until" in p.stderr, "bad --until: exit 2")
        # An app that fails makes the run exit 1: a ping to an address nobody has.
        failing = os.path.join(d, "fail.toml")
        with open(failing, "w") as f:
            f.write('[[host]]\nname = "a"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.1/24"\n'
                    '[[host]]\nname = "b"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.2/24"\n'
                    '[[link]]\na = "a:eth0"\nb = "b:eth0"\n'
                    '[[app]]\nhost = "a"\nkind = "ping"\nto = "10.0.0.9"\ncount = 2\n')
        p = run(s, "run", failing, "--json")
        check(p.returncode == 1 and json.loads(p.stdout)["apps"][0]["ok"] is False,
              f"an app that failed: exit 1 and ok false (rc {p.returncode})")
    finally:
        shutil.rmtree(d)

    # Input that is no scenario: exit 2, promptly, with a printable message naming the file.
    d = tempfile.mkdtemp()
    try:
        def refused(path, needle, what):
            try:
                p = subprocess.run([s, "run", path], capture_output=True, timeout=30)
            except subprocess.TimeoutExpired:
                check(False, f"{what}: exit 2 within 30 s (it hung)")
                return
            try:
                err = p.stderr.decode("utf-8")
            except UnicodeDecodeError:
                check(False, f"{what}: the message is valid UTF-8 ({p.stderr[:200]!r})")
                return
            check(p.returncode == 2 and os.path.basename(path) in err and needle in err
                  and "AddressSanitizer" not in err and "runtime error" not in err,
                  f"{what}: exit 2 naming the file and saying {needle!r} (rc {p.returncode}: {err.strip()[:300]})")

        refused(d, "Is a directory", "a directory")
        garbage = os.path.join(d, "garbage.toml")
        with open(garbage, "wb") as f:
            f.write(bytes(range(256)) * 16 + b"\xff\xfe\x00[[host]]\x00\x80\xc3")
        refused(garbage, "garbage.toml:", "binary garbage")
        utf8 = os.path.join(d, "latin1.toml")
        with open(utf8, "wb") as f:
            f.write(b'[[host]]\nname = "caf\xe9"\n')
        refused(utf8, "latin1.toml:2", "a string that is not UTF-8")
        empty = os.path.join(d, "empty.toml")
        open(empty, "w").close()
        refused(empty, "nothing to run", "an empty file")
        comments = os.path.join(d, "comments.toml")
        with open(comments, "w") as f:
            f.write("# a comment\n[sim]\nseed = 3\n")
        refused(comments, "nothing to run", "a file with no [[host]]")
        big = os.path.join(d, "big.toml")
        with open(big, "wb") as f:
            f.truncate(50 << 20)  # sparse: 50 MB of zeros without writing them
        refused(big, "larger than 8 MiB", "a 50 MB file")
        fifo = os.path.join(d, "pipe.toml")
        os.mkfifo(fifo)
        refused(fifo, "FIFO", "a FIFO with no writer")
        if os.path.exists("/dev/zero"):
            refused("/dev/zero", "character device", "/dev/zero")
        p = run(s, "run", scen("udp-echo"), "--until", "2000000000s")
        check(p.returncode == 2 and "--until" in p.stderr, f"--until beyond the cap: exit 2 ({p.stderr.strip()})")
        times = os.path.join(d, "times.toml")
        with open(times, "w") as f:
            f.write('[[host]]\nname = "a"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.1/24"\n'
                    '[[switch]]\nname = "s"\n[[link]]\na = "a:eth0"\nb = "s"\ndelay = "9223372036s"\n')
        p = run(s, "run", times)
        check(p.returncode == 2 and "times.toml:" in p.stderr and "link[0].delay" in p.stderr,
              f"a delay beyond the cap: exit 2 naming link[0].delay ({p.stderr.strip()})")

        # Names from the file cannot steer pcap files out of --pcap-dir.
        evil = os.path.join(d, "evil.toml")
        with open(evil, "w") as f:
            f.write('[[host]]\nname = "../../x"\n  [[host.iface]]\n  name = "e/0"\n  addr = "10.0.0.1/24"\n')
        pd = os.path.join(d, "p", "q")
        p = run(s, "run", evil, "--pcap-dir", pd)
        check(p.returncode == 0 and os.listdir(pd) == [".._.._x-e_0.pcap"]
              and os.listdir(os.path.join(d, "p")) == ["q"] and not os.path.exists(os.path.join(d, "x-e")),
              f"host and interface names with '/' stay inside --pcap-dir ({p.stderr.strip()[:200]})")

        # A runaway scenario ends at --max-events: two switches joined twice (a loop) over zero-delay links, where
        # the first ARP broadcast circles forever at t = 0, so no `until` can stop it.
        storm = os.path.join(d, "storm.toml")
        with open(storm, "w") as f:
            f.write('[[host]]\nname = "a"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.1/24"\n'
                    '[[host]]\nname = "b"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.2/24"\n'
                    '[[switch]]\nname = "s1"\n[[switch]]\nname = "s2"\n'
                    '[[link]]\na = "a:eth0"\nb = "s1"\n[[link]]\na = "b:eth0"\nb = "s2"\n'
                    '[[link]]\na = "s1"\nb = "s2"\n[[link]]\na = "s2"\nb = "s1"\n'
                    '[[app]]\nhost = "a"\nkind = "ping"\nto = "10.0.0.2"\ncount = 2\n')
        p = run(s, "run", storm, "--json", "--max-events", "20000", "--until", "1s")
        doc = json.loads(p.stdout) if p.stdout.strip() else {}
        check(p.returncode == 1 and "--max-events" in p.stderr and doc.get("events") == 20000,
              f"a switch loop stops at --max-events with exit 1 (rc {p.returncode}, {p.stderr.strip()[:200]})")
        # Huge counts at interval 0 neither exhaust memory nor outlive the cap.
        flood = os.path.join(d, "flood.toml")
        with open(flood, "w") as f:
            f.write('[[host]]\nname = "a"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.1/24"\n'
                    '[[host]]\nname = "b"\n  [[host.iface]]\n  name = "eth0"\n  addr = "10.0.0.2/24"\n'
                    '[[link]]\na = "a:eth0"\nb = "b:eth0"\n'
                    '[[app]]\nhost = "a"\nkind = "ping"\nto = "10.0.0.2"\ncount = 1000000000000000000\n'
                    'interval = "0s"\n'
                    '[[app]]\nhost = "b"\nkind = "udp-echo"\nport = 7\n'
                    '[[app]]\nhost = "a"\nkind = "udp-send"\nto = "10.0.0.2:7"\ncount = 1000000000\n'
                    'interval = "0s"\nsize = 1\n')
        p = run(s, "run", flood, "--json", "--max-events", "50000")
        doc = json.loads(p.stdout) if p.stdout.strip() else {}
        check(p.returncode == 1 and doc.get("events", 0) <= 50000 and "Sanitizer" not in p.stderr,
              f"count = 10^18 at interval 0: ends at the cap (rc {p.returncode}, {p.stderr.strip()[:200]})")
    finally:
        shutil.rmtree(d)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
