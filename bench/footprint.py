"""Per-lab up time and memory, against plain `docker run` of the same containers in the same run.

    python bench/footprint.py mod-009 project-03 mod-010 project-05
    python bench/footprint.py --components project-04 [LOAD_SECONDS] [--against REF]

For each lab: `lab up` wall time (images warm), for labs with Prometheus the time from the start
of `lab up` until every scrape target is healthy, the sandbox's total memory (docker stats, all
its containers, after up), `lab down` time, and the plain-docker baseline of bench/lab_up.py.
With --components: one lab's memory per container at rest (30 s after up) and its peak under the
lab's load generator (20 requests a second), to name each part's share, e.g. the log store's;
--against REF measures the lab as it was at a git revision too, in the same run, side by side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def memory_by_container(lab_id: str) -> dict[str, float]:
    """MiB per running container of the lab (docker stats), by component."""
    fmt = '{{.Names}} {{.Label "org.lab.component"}}'
    listing = subprocess.run(
        ["docker", "ps", "--filter", f"label=org.lab.lab={lab_id}", "--format", fmt],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    component = dict(line.split(" ", 1) for line in listing.splitlines() if " " in line)
    out = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", *component],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "B": 1 / 1024 / 1024}
    found = {}
    for line in out.splitlines():
        name, usage = line.split(" ", 1)
        used = usage.split("/")[0].strip()
        unit = next(u for u in units if used.endswith(u))
        found[component.get(name) or name] = round(float(used.removesuffix(unit)) * units[unit], 1)
    return found


def memory_mb(lab_id: str) -> float:
    return round(sum(memory_by_container(lab_id).values()), 1)


def under_load(lab_id: str, seconds: int) -> dict[str, float]:
    """Peak MiB per container while the lab's load generator drives its API (labs that have one)."""
    loadgen = status(lab_id)["endpoints"]["loadgen"]
    start = f"{loadgen}/start?rate=20&delay_ms=100&seconds={seconds}"
    urllib.request.urlopen(urllib.request.Request(start, method="POST"), timeout=10).close()  # noqa: S310
    peak: dict[str, float] = {}
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for name, mib in memory_by_container(lab_id).items():
            peak[name] = max(peak.get(name, 0.0), mib)
    return peak


def breakdown(lab_id: str, load_seconds: int) -> dict[str, Any]:
    """project-04's memory at rest and under load, per container (the log store's share named)."""
    lab_cli("images", "build", lab_id)
    lab_cli("up", lab_id)
    time.sleep(30)  # past start-up bursts
    rest = memory_by_container(lab_id)
    load = under_load(lab_id, load_seconds)
    lab_cli("down", lab_id)
    for name in sorted(rest, key=rest.get, reverse=True):  # type: ignore[arg-type]
        print(f"  {name:<14} rest {rest[name]:7.1f} MiB   load {load.get(name, 0):7.1f} MiB")
    rows = {n: {"rest_mib": rest[n], "load_mib": load.get(n, 0.0)} for n in rest}
    total = {"rest_mib": round(sum(rest.values()), 1), "load_mib": round(sum(load.values()), 1)}
    print(f"  {'total':<14} rest {total['rest_mib']:7.1f} MiB   load {total['load_mib']:7.1f} MiB", flush=True)
    return {"lab": lab_id, "components": rows, "total": total}


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


def breakdown_at(ref: str, lab_id: str, load_seconds: int) -> dict[str, Any]:
    """The same breakdown with the lab as it was at git REF: a worktree of it, measured by this
    script (copied in), with its own provisioner first on the path."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="lab-bench-") as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "-C", str(root), "worktree", "add", "-q", "--detach", str(tree), ref], check=True)
        try:
            shutil.copy(__file__, tree / "bench" / "footprint.py")
            argv = [sys.executable, "bench/footprint.py", "--components", lab_id, str(load_seconds)]
            env = os.environ | {"PYTHONPATH": str(tree)}
            out = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, check=True).stdout
        finally:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(tree)], check=False)
    return dict(json.loads(out.splitlines()[-1]))


def side_by_side(before: dict[str, Any], after: dict[str, Any], ref: str) -> None:
    print(f"{'component':<14} {ref + ' rest':>14} {'load':>8}   {'now rest':>9} {'load':>8}  (MiB)")
    for name in sorted(set(before["components"]) | set(after["components"])):
        b, a = before["components"].get(name, {}), after["components"].get(name, {})
        cells = [b.get("rest_mib", "-"), b.get("load_mib", "-"), a.get("rest_mib", "-"), a.get("load_mib", "-")]
        print(f"{name:<14} {cells[0]:>14} {cells[1]:>8}   {cells[2]:>9} {cells[3]:>8}")
    b, a = before["total"], after["total"]
    print(f"{'total':<14} {b['rest_mib']:>14} {b['load_mib']:>8}   {a['rest_mib']:>9} {a['load_mib']:>8}", flush=True)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--components"]:  # --components LAB [LOAD_SECONDS] [--against REF]
        lab_id, rest = args[1], args[2:]
        ref = rest.pop(rest.index("--against") + 1) if "--against" in rest else None
        seconds = int(rest[0]) if rest and rest[0] != "--against" else 60
        after = breakdown(lab_id, seconds)
        if ref:
            before = breakdown_at(ref, lab_id, seconds)
            side_by_side(before, after, ref)
            after = {"before": before, "after": after, "ref": ref}
        print(json.dumps(after))
        return
    rows = [measure(lab_id) for lab_id in args or ["mod-009"]]
    print(json.dumps(rows))


if __name__ == "__main__":
    with torn_down():
        main()
