#!/usr/bin/env python3
"""House rules the compiler cannot see (BLUEPRINT.md §5, §11).

1. No clock, sleep, thread or ambient randomness anywhere in stack/: time and seeds are handed in.
2. No I/O in stack/ outside the NIC files that are allowed it (stack/nic/pcap_*, live_*, tap_*).
3. No reach-around includes: a layer folder includes only itself and the folders below it.

usage: check_layers.py ROOT     (exit 0 clean, 1 with violations listed)
"""
import os
import re
import sys

CLOCK = re.compile(r"steady_clock|system_clock|high_resolution_clock|\btime\(|gettimeofday|clock_gettime|"
                   r"\brand\(|random_device|std::thread|\bmutex\b|sleep_for|\busleep\(")
# System calls are written with a leading :: by house rule; a qualified member (UdpLayer::open) is not one.
IO = re.compile(r"\bpcap_|(?<![\w>])::(open|read|write|poll)\(|\bfopen\(|std::ifstream|std::ofstream")
IO_ALLOWED = re.compile(r"stack/nic/(pcap_|live_|tap_)")
# What each folder may include from stack/ (itself included implicitly).
BELOW = {
    "core": [],
    "wire": ["core"],
    "nic": ["core", "wire"],
    "link": ["core", "wire", "nic"],
    "net": ["core", "wire", "nic", "link"],
    "transport": ["core", "wire", "nic", "link", "net"],
    "socket": ["core", "wire", "nic", "link", "net", "transport"],
}
INCLUDE = re.compile(r'#include\s+"stack/([a-z_]+)/')


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    stack = os.path.join(root, "stack")
    bad = []
    for dirpath, _, files in os.walk(stack):
        for f in files:
            if not f.endswith((".hpp", ".cpp")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            folder = os.path.relpath(dirpath, stack).split(os.sep)[0]
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                code = line.split("//")[0]
                if CLOCK.search(code):
                    bad.append(f"{rel}:{n}: clock/thread/randomness in the stack: {line.strip()}")
                if IO.search(code) and not IO_ALLOWED.search(rel):
                    bad.append(f"{rel}:{n}: I/O outside stack/nic: {line.strip()}")
                m = INCLUDE.search(line)
                if m and folder in BELOW:
                    target = m.group(1)
                    if target != folder and target not in BELOW[folder]:
                        bad.append(f"{rel}:{n}: {folder}/ reaches up into {target}/: {line.strip()}")
    for b in bad:
        print(b)
    print(f"{len(bad)} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
