"""strata-bench run with JSON output, for the scripts beside it (harness_figures.py, paired_peers.py)."""
import json
import subprocess


def run_benchmarks(path, args, timeout, fail):
    """The "benchmarks" list of `path args... --benchmark_format=json`; calls fail(message) when the program
    exits non-zero or prints no readable JSON."""
    p = subprocess.run([path, *args, "--benchmark_format=json"], capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        fail(f"{path} exited {p.returncode}: {p.stderr.strip()[-300:]}")
    try:
        return json.loads(p.stdout)["benchmarks"]
    except (json.JSONDecodeError, KeyError) as e:
        fail(f"{path}: unreadable JSON output ({e})")
