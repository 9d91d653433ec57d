"""CLI start-up time: `lab --help` and `lab list` against a bare `python -c pass` in the same run.

Usage: python bench/cli_startup.py [--runs N]. Prints a table and a JSON line; figures are
medians, and ratios are against the interpreter's own start-up measured alongside.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CASES = {
    "baseline: python -c pass": [sys.executable, "-c", "pass"],
    "lab --help": [sys.executable, "-m", "provisioner", "--help"],
    "lab list": [sys.executable, "-m", "provisioner", "list"],
    "lab list --output json": [sys.executable, "-m", "provisioner", "list", "--output", "json"],
}


def median_wall(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    results = {name: median_wall(argv, runs) for name, argv in CASES.items()}
    base = results["baseline: python -c pass"]
    for name, secs in results.items():
        print(f"{name:<28} {secs * 1000:7.1f} ms   x{secs / base:5.2f} of baseline")
    print(json.dumps({"runs": runs, "median_s": {k: round(v, 4) for k, v in results.items()}}))


if __name__ == "__main__":
    main()
