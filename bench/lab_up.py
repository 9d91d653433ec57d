"""`lab up` against plain `docker run` of the same containers, measured in the same run.

    python bench/lab_up.py --lab mod-008 [--runs 3] [--cold]

Warm: images built, provider present. The baseline starts the lab's containers with plain
`docker run` on one network, ports on 127.0.0.1, the same env, then waits until every published
port accepts connections and every image's own HEALTHCHECK command passes (run directly in a
loop, not on Docker's 2 s interval), then removes them. `lab up` waits for more: per-instance
configuration by Ansible and the lab's readiness checks.
Also reported: a second `up` (no-op), `reset` (the sandbox made again from its images, against
the warm `up` it replaces), `down`, and with --cold the first `up` including image builds.
Figures are medians; the ratios are warm up / baseline and reset / warm up. Prints a table and a
JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.teardown import torn_down
from provisioner.backends.common import images
from provisioner.checks.runner import render
from provisioner.definitions import catalog


def byte_compiled() -> None:
    """The package byte-compiled, as pip leaves an installed wheel: with PYTHONDONTWRITEBYTECODE
    set (as on some CI machines) every CLI start would compile the modules it imports again."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "provisioner", quiet=1)


def lab_cli(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "provisioner", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, capture_output=True, text=True).stdout.strip()


def wait_ready(container: str, ports: list[int], deadline: float) -> None:
    test = json.loads(docker("inspect", "-f", "{{json .Config.Healthcheck}}", container) or "null") or {}
    probe = test.get("Test") or []
    argv = probe[1:] if probe[:1] == ["CMD"] else (["sh", "-c", probe[1]] if probe[:1] == ["CMD-SHELL"] else [])
    while time.perf_counter() < deadline:
        ok = all(_connects(p) for p in ports)
        if ok and (
            not argv
            or subprocess.run(["docker", "exec", container, *argv], capture_output=True, check=False).returncode == 0
        ):
            return
        time.sleep(0.05)
    raise SystemExit(f"baseline: {container} never got ready")


def _connects(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def baseline(lab_id: str) -> float:
    """Plain docker run of the same images and env, waiting until ports answer and healthchecks pass."""
    lab = catalog.load(lab_id)
    secrets = {name: f"bench-{name}-{os.getpid()}" for name in lab.sandbox.secrets}
    values = {"secrets": secrets, "instance": "bench", "lab_id": lab_id}
    net, names = f"bench-{os.getpid()}", []
    started = time.perf_counter()
    docker("network", "create", net)
    published: dict[str, list[int]] = {}
    try:
        for c in lab.sandbox.components:
            if not c.image or (c.optional and not (images.paths.IMAGES_DIR / c.image / "Dockerfile").exists()):
                continue  # as lab up does: an optional component without an image is left out
            argv = ["run", "-d", "--name", f"{net}-{c.name}", "--network", net, "--network-alias", c.name]
            argv += [f"-e{k}={render(v, values)}" for k, v in c.env.items()]
            argv += [f"-p127.0.0.1::{p.port}" for p in c.ports]
            docker(*argv, images.tag_for(c.image), *(c.command or []))
            names.append(f"{net}-{c.name}")
            published[names[-1]] = [
                int(docker("port", names[-1], str(p.port)).splitlines()[0].rsplit(":", 1)[1]) for p in c.ports
            ]
        for name, ports in published.items():
            wait_ready(name, ports, started + 60)
        return time.perf_counter() - started
    finally:
        if names:
            subprocess.run(["docker", "rm", "-f", "-v", *names], capture_output=True, check=False)
        subprocess.run(["docker", "network", "rm", net], capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", default="mod-008")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time a first up that builds the lab's images")
    args = parser.parse_args()
    figures: dict[str, Any] = {"lab": args.lab, "runs": args.runs}
    byte_compiled()
    if args.cold:
        lab = catalog.load(args.lab)
        for c in lab.sandbox.components:
            if c.image:
                subprocess.run(["docker", "rmi", "-f", images.tag_for(c.image)], capture_output=True, check=False)
        figures["cold_up_s"] = lab_cli("up", args.lab)
        lab_cli("down", args.lab)
    else:
        lab_cli("images", "build", args.lab)
    samples: dict[str, list[float]] = {
        k: [] for k in ("warm_up_s", "baseline_docker_run_s", "noop_up_s", "reset_s", "down_s")
    }
    for _ in range(args.runs):
        samples["baseline_docker_run_s"].append(baseline(args.lab))
        samples["warm_up_s"].append(lab_cli("up", args.lab))
        samples["noop_up_s"].append(lab_cli("up", args.lab))
        samples["reset_s"].append(lab_cli("reset", args.lab))
        samples["down_s"].append(lab_cli("down", args.lab))
    med = {name: statistics.median(v) for name, v in samples.items()}
    figures |= {k: round(v, 2) for k, v in med.items()}
    figures["ratio_warm_up_to_baseline"] = round(med["warm_up_s"] / med["baseline_docker_run_s"], 2)
    figures["ratio_reset_to_warm_up"] = round(med["reset_s"] / med["warm_up_s"], 2)
    figures["samples"] = samples
    figures["load_average"] = os.getloadavg()
    keys = ("cold_up_s", "warm_up_s", "baseline_docker_run_s", "ratio_warm_up_to_baseline", "noop_up_s", "reset_s")
    for key in (*keys, "ratio_reset_to_warm_up", "down_s", "load_average"):
        if key in figures:
            print(f"{key:<28} {figures[key]}")
    print(json.dumps(figures, default=lambda v: round(v, 3)))


if __name__ == "__main__":
    with torn_down():
        main()
