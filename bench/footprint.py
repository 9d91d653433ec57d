"""Per-lab up time and memory, against plain `docker run` of the same containers in the same run.

    python bench/footprint.py mod-009 project-03 mod-010 project-05

For each lab: `lab up` wall time (images warm), for labs with Prometheus the time from the start
of `lab up` until every scrape target is healthy, the sandbox's total memory (docker stats, all
its containers, after up), `lab down` time, and the plain-docker baseline of bench/lab_up.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lab_up import baseline, lab_cli
from bench.teardown import torn_down


def status(lab_id: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "provisioner", "status", "-o", "json"], capture_output=True, text=True, check=True
    ).stdout
    return next(r for r in json.loads(out) if r["lab"] == lab_id)


def targets_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/targets", timeout=2) as resp:  # noqa: S310 - loopback
            active = json.loads(resp.read())["data"]["activeTargets"]
    except (OSError, ValueError, KeyError):
        return False
    return bool(active) and all(t["health"] == "up" for t in active)


def watch_targets(lab_id: str, started: float, found: dict[str, float], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            url = status(lab_id)["endpoints"].get("prometheus")
        except (StopIteration, subprocess.CalledProcessError):
            url = None
        if url and targets_healthy(url):
            found["targets_healthy_s"] = time.perf_counter() - started
            return
        time.sleep(0.25)


def memory_mb(lab_id: str) -> float:
    names = subprocess.run(
        ["docker", "ps", "-q", "--filter", f"label=org.lab.lab={lab_id}"], capture_output=True, text=True, check=True
    ).stdout.split()
    out = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", *names],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024}
    total = 0.0
    for line in out.splitlines():
        used = line.split("/")[0].strip()
        for unit, factor in units.items():
            if used.endswith(unit):
                total += float(used.removesuffix(unit)) * factor
    return round(total, 1)


def measure(lab_id: str) -> dict[str, Any]:
    lab_cli("images", "build", lab_id)
    found: dict[str, float] = {}
    stop = threading.Event()
    started = time.perf_counter()
    watcher = threading.Thread(target=watch_targets, args=(lab_id, started, found, stop), daemon=True)
    watcher.start()
    up = lab_cli("up", lab_id)
    watcher.join(timeout=120)
    stop.set()
    row: dict[str, Any] = {"lab": lab_id, "up_s": round(up, 2), **{k: round(v, 2) for k, v in found.items()}}
    time.sleep(5)  # let start-up bursts settle before reading memory
    row["memory_mb"] = memory_mb(lab_id)
    row["down_s"] = round(lab_cli("down", lab_id), 2)
    try:
        row["baseline_docker_run_s"] = round(baseline(lab_id), 2)
        row["ratio_up_to_baseline"] = round(row["up_s"] / row["baseline_docker_run_s"], 2)
    except SystemExit as exc:  # e.g. a server that needs the database user Ansible creates
        row["baseline_docker_run_s"] = f"n/a: {exc}"
    print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    rows = [measure(lab_id) for lab_id in sys.argv[1:] or ["mod-009"]]
    print(json.dumps(rows))


if __name__ == "__main__":
    with torn_down():
        main()
