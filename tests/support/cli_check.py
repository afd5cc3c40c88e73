"""Shared by the command-line contract tests (tests/replay/replay_cli_test.py, tests/sim/run_cli_test.py):
one line per check, the failures kept for the exit status."""
import subprocess

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, **kw)


def summary():
    """Prints the failure count; returns the exit status."""
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0
