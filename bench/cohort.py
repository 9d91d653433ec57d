"""Cohort scale: N students of a lab provisioned with `lab cohort up -j J`, against the same N
provisioned one after another with `lab up`, in the same run.

    python bench/cohort.py [--lab mod-008] [--students 20] [--jobs 4]
    python bench/cohort.py --target kubernetes --kubeconfig PATH [--context C] [...]

Reports total time to all verified, time per student, and peak memory in use on the machine
(sampled every 0.2 s from /proc/meminfo), for both ways; the ratio is sequential / parallel.

With --target the same cohort (`lab cohort up -j J`) goes on the local Docker engine, the
baseline, then on the cluster, in the same run: students per minute of each, and memory per
student while all are up (bench/cohort_memory.py: the containers on Docker; on the cluster the
namespaces' pods from the metrics API, else from each node's kubelet, else their requests, as
`kubernetes_memory_from` says).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cohort_memory import cluster_mb, docker_mb
from bench.teardown import torn_down


def used_mb() -> float:
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) / 1024


def peak_while(action: object) -> tuple[float, float]:
    """Seconds the action took, and the peak machine memory in use meanwhile (MB)."""
    peak = used_mb()
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, used_mb())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    action()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return seconds, peak


def lab(*args: str) -> None:
    """Run the CLI; on failure, show the end of what it said (the figures mean nothing then)."""
    result = subprocess.run(
        [sys.executable, "-m", "provisioner", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-25:])
        raise SystemExit(f"bench: `lab {' '.join(args)}` exited {result.returncode}:\n{tail}")


def write_roster(home: Path, ids: list[str]) -> Path:
    roster = home / "roster.csv"
    roster.parent.mkdir(parents=True, exist_ok=True)
    roster.write_text("student_id,name,email\n" + "".join(f"{i},Student {i},{i}@example.edu\n" for i in ids))
    return roster


def on_targets(args: argparse.Namespace, roster: Path) -> dict[str, object]:
    """The cohort on Docker (the baseline), then on the cluster, in the same run; the ratio is
    the cluster's students per minute / Docker's."""
    context = ["--context", args.context] if args.context else []
    where = ["--target", args.target, "--kubeconfig", args.kubeconfig, *context]
    docker_s, docker_memory = one_cohort(args, roster, [], lambda: (docker_mb(args.lab), "docker stats"))
    cluster_s, cluster_memory = one_cohort(
        args, roster, where, lambda: cluster_mb(args.kubeconfig, args.context, args.lab)
    )
    return {
        "lab": args.lab,
        "students": args.students,
        "jobs": args.jobs,
        **per_target("docker", args.students, docker_s, docker_memory),
        **per_target(args.target, args.students, cluster_s, cluster_memory),
        "ratio_students_per_minute": round(docker_s / cluster_s, 2),
    }


def one_cohort(
    args: argparse.Namespace, roster: Path, where: list[str], memory: Callable[[], tuple[float, str]]
) -> tuple[float, tuple[float, str]]:
    """Seconds to every student ready, and the memory measured while all are up; then down
    (whatever an interruption leaves, `torn_down` takes down)."""
    started = time.perf_counter()
    lab("cohort", "up", args.lab, "--roster", str(roster), "-j", str(args.jobs), *where)
    seconds = time.perf_counter() - started
    try:
        return seconds, memory()
    finally:
        lab("cohort", "down", args.lab, "-j", str(args.jobs))


def per_target(name: str, students: int, seconds: float, memory: tuple[float, str]) -> dict[str, object]:
    return {
        f"{name}_total_s": round(seconds, 1),
        f"{name}_students_per_minute": round(students * 60 / seconds, 2),
        f"{name}_memory_per_student_mb": round(memory[0] / students),
        f"{name}_memory_from": memory[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", default="mod-008")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--target", choices=["kubernetes"], help="also on this target, against Docker")
    parser.add_argument("--kubeconfig", help="the cluster admin's kubeconfig (with --target)")
    parser.add_argument("--context", help="its context (default: the current one)")
    args = parser.parse_args()
    if args.target and not args.kubeconfig:
        parser.error("--target needs --kubeconfig")
    ids = [f"s{i:02d}" for i in range(1, args.students + 1)]
    roster = write_roster(Path(os.environ["LAB_HOME"]), ids)
    lab("images", "build", args.lab)
    if args.target:
        args.kubeconfig = str(Path(args.kubeconfig).resolve())
        report(on_targets(args, roster))
        return
    base = used_mb()

    def parallel() -> None:
        lab("cohort", "up", args.lab, "--roster", str(roster), "-j", str(args.jobs))

    par_s, par_peak = peak_while(parallel)
    lab("cohort", "down", args.lab, "-j", str(args.jobs))

    def sequential() -> None:
        for sid in ids:
            lab("up", args.lab, "--instance", sid, "--student", sid)

    seq_s, seq_peak = peak_while(sequential)
    lab("cohort", "down", args.lab, "-j", str(args.jobs))
    figures = {
        "lab": args.lab,
        "students": args.students,
        "jobs": args.jobs,
        "parallel_total_s": round(par_s, 1),
        "parallel_per_student_s": round(par_s / args.students, 2),
        "sequential_total_s": round(seq_s, 1),
        "sequential_per_student_s": round(seq_s / args.students, 2),
        "ratio_sequential_to_parallel": round(seq_s / par_s, 2),
        "memory_before_mb": round(base),
        "peak_memory_parallel_mb": round(par_peak),
        "peak_memory_sequential_mb": round(seq_peak),
    }
    report(figures)


def report(figures: dict[str, object]) -> None:
    for key, value in figures.items():
        print(f"{key:<34} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    with torn_down():
        main()
