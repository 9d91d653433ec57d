"""`lab up mod-006` against `kind create cluster` run by hand with the same image and config.

    python bench/kind_up.py [--runs 3] [--cold-build]

Warm: the node image and the lab's images are built. The baseline is what a user would type:
`kind create cluster --image <the node image> --config <lab's rendered config, with its own
name and free ports>`, then `kubectl wait --for=condition=Ready nodes --all`, then `kind delete
cluster`. For `lab up` the figure is the time from its start to the end of its `nodes` step
(every node Ready), read from the instance's ledger; the whole `up` (lab images loaded into the
nodes, workloads applied, readiness checks passed) and `down` are reported beside it. Memory:
the node containers' use (docker stats) with the lab's workloads running.

--cold-build first builds the node image with empty Go and lab caches (about 20 minutes on two
cores) and reports each part's wall and CPU seconds as the build script prints them.
Figures are medians; the ratio is lab's time to Ready / the baseline's. Prints a table and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from provisioner.backends.kind import images, tools
from provisioner.backends.kind.config import cluster_config
from provisioner.core import paths, proc
from provisioner.definitions import catalog

LAB = "mod-006"


def run(*argv: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def baseline(workdir: Path) -> float:
    """kind create + every node Ready, by hand, with lab's config shape and the same node image."""
    lab = catalog.load(LAB)
    name = f"bench-{os.getpid()}"
    config = cluster_config(lab, name, {p.name: free_port() for c in lab.sandbox.components for p in c.ports})
    (workdir / "kind.json").write_text(json.dumps(config))
    kubeconfig = workdir / "kubeconfig"
    kind, kubectl = tools.binary("kind"), tools.binary("kubectl")
    started = time.perf_counter()
    try:
        run(
            kind,
            "create",
            "cluster",
            "--name",
            name,
            "--image",
            images.node_tag(proc.run),
            "--config",
            str(workdir / "kind.json"),
            "--kubeconfig",
            str(kubeconfig),
        )
        env = os.environ | {"KUBECONFIG": str(kubeconfig)}
        run(kubectl, "wait", "--for=condition=Ready", "nodes", "--all", "--timeout=300s", env=env)
        return time.perf_counter() - started
    finally:
        subprocess.run(
            [kind, "delete", "cluster", "--name", name, "--kubeconfig", str(kubeconfig)],
            check=False,
            capture_output=True,
        )


def lab_cli(home: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "provisioner", *args],
        check=True,
        capture_output=True,
        env=os.environ | {"LAB_HOME": str(home)},
    )
    return time.perf_counter() - started


def lab_up(home: Path) -> dict[str, float]:
    """Seconds to every node Ready (from the ledger), to the end of `up`, and of `down`; memory."""
    total = lab_cli(home, "up", LAB)
    ledger = [json.loads(x) for x in (home / "instances" / LAB / "default" / "ledger.jsonl").read_text().splitlines()]
    run_id = [e for e in ledger if e["event"] == "step-start"][-1]["run"]
    mine = [e for e in ledger if e.get("run") == run_id]
    start = next(e["ts"] for e in mine if e["event"] == "step-start")
    ready = next(e["ts"] for e in mine if e["event"] == "step-done" and e["step"] == "nodes")
    memory = node_memory_mb(json.loads((home / "instances" / LAB / "default" / "state.json").read_text())["name"])
    down = lab_cli(home, "down", LAB)
    # lab's own start-up (Python, state) before the first step counts against it too.
    return {"ready": ready - start + (total - (mine[-1]["ts"] - start)), "up": total, "down": down, "mem": memory}


def node_memory_mb(name: str) -> float:
    out = run("docker", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}")
    total = 0.0
    for line in out.splitlines():
        container, usage = line.split(" ", 1)
        if container.startswith(name + "-"):
            total += _mb(usage.split("/")[0].strip())
    return total


def _mb(text: str) -> float:
    value, unit = re.match(r"([\d.]+)\s*([KMG]i?B)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "KB": 1 / 1000, "MB": 1, "GB": 1000}[unit]


def cold_build() -> list[dict[str, Any]]:
    """Build the node image with empty caches; each part's wall and CPU seconds as printed."""
    scratch = Path(tempfile.mkdtemp(prefix="kind-cold-"))
    env = os.environ | {
        "LAB_CACHE": str(scratch / "lab"),
        "GOCACHE": str(scratch / "gocache"),
        "GOMODCACHE": str(scratch / "gomod"),
    }
    out = run("bash", str(paths.IMAGES_DIR / "kind-node" / "build"), f"lab/kind-node:bench-{os.getpid()}", env=env)
    subprocess.run(["docker", "rmi", f"lab/kind-node:bench-{os.getpid()}"], check=False, capture_output=True)
    subprocess.run(["chmod", "-R", "u+w", str(scratch)], check=False)
    shutil.rmtree(scratch, ignore_errors=True)
    pattern = re.compile(r"^kind-node: (\S+) (\S+): built in (\d+) s, (\d+) CPU s$")
    return [
        {"part": m[1], "version": m[2], "wall": int(m[3]), "cpu": int(m[4])}
        for m in map(pattern.match, out.splitlines())
        if m
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-build", action="store_true")
    args = parser.parse_args()
    parts = cold_build() if args.cold_build else []
    images.ensure_node(lambda _line: None, proc.run)
    bases, labs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        lab_cli(Path(tmp) / "warm", "images", "build", LAB)
        for i in range(args.runs):
            bases.append(baseline(Path(tmp)))
            labs.append(lab_up(Path(tmp) / f"home{i}"))
    med = {k: statistics.median(r[k] for r in labs) for k in ("ready", "up", "down", "mem")}
    base = statistics.median(bases)
    print(f"{'kind create + nodes Ready (by hand)':<40} {base:7.1f} s")
    print(f"{'lab up to nodes Ready':<40} {med['ready']:7.1f} s   ratio {med['ready'] / base:.2f}x (goal <= 1.3x)")
    print(f"{'lab up, whole (images, workloads, checks)':<40} {med['up']:7.1f} s")
    print(f"{'lab down':<40} {med['down']:7.1f} s")
    print(f"{'node containers memory, workloads up':<40} {med['mem']:7.0f} MiB")
    for p in parts:
        print(f"  build {p['part']:<24} {p['wall']:5d} s wall {p['cpu']:5d} CPU s")
    print(json.dumps({"baseline_s": base, "lab": med, "ratio": med["ready"] / base, "runs": args.runs, "build": parts}))


if __name__ == "__main__":
    main()
