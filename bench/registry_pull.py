"""Cold `lab up` with images pulled from a registry against the same `up` building them, one run.

    python bench/registry_pull.py [--lab mod-008] [--runs 1]

Pushes the lab's images and their base to a throwaway registry on 127.0.0.1 (TLS and basic auth
on, as users run one: tests/registry_server.py). Then per run: remove the lab's images (their
layers go with them; the base stays), time `lab up` with LAB_IMAGE_REGISTRY set, `lab down`;
remove them again, time `lab up` without it (every image built from the base), `lab down`.
A fresh machine lacks the base image too: it is built once (images/base/build, debootstrap,
under a scratch name so that its layers are its own), pushed, removed and pulled, both timed.
Figures are medians; the ratios are pull / build, with the base present and from nothing (goal:
at most 0.25). Prints a table and a JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.teardown import torn_down
from provisioner.backends.common import images
from provisioner.core import paths
from provisioner.definitions import catalog
from tests.registry_server import Registry, running_registry


def lab_cli(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "provisioner", *args], check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def remove_images(lab_id: str) -> None:
    tags = {images.tag_for(c.image) for c in catalog.load(lab_id).sandbox.components if c.image and not c.optional}
    subprocess.run(["docker", "rmi", *tags], check=True, capture_output=True)


def cold_up(lab_id: str, env: dict[str, str]) -> float:
    remove_images(lab_id)
    seconds = lab_cli(env, "up", lab_id)
    lab_cli(env, "down", lab_id)
    return seconds


def base_seconds(registry: Registry) -> tuple[float, float]:
    """Build a base image from nothing, then pull it from the registry: (build s, pull s)."""
    scratch = f"lab-bench/debian:{os.getpid()}"
    ref = f"{registry.host}/{scratch}"
    started = time.perf_counter()
    env = os.environ | {"LAB_BASE_IMAGE": scratch, "LAB_REBUILD": "1"}
    subprocess.run(["bash", str(paths.IMAGES_DIR / "base" / "build")], env=env, check=True, capture_output=True)
    build = time.perf_counter() - started
    subprocess.run(["docker", "tag", scratch, ref], check=True)
    subprocess.run(["docker", "push", "-q", ref], env=registry.env(), check=True, capture_output=True)
    subprocess.run(["docker", "rmi", scratch, ref], check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(["docker", "pull", "-q", ref], env=registry.env(), check=True, capture_output=True)
    pull = time.perf_counter() - started
    subprocess.run(["docker", "rmi", ref], check=True, capture_output=True)
    return build, pull


def measure(lab_id: str, runs: int, folder: Path) -> dict[str, Any]:
    plain = {k: v for k, v in os.environ.items() if k != "LAB_IMAGE_REGISTRY"}
    samples: dict[str, list[float]] = {"pull_up_s": [], "build_up_s": []}
    with running_registry(folder) as registry:
        samples["push_s"] = [lab_cli(registry.env(), "images", "push", lab_id)]
        for _ in range(runs):
            samples["pull_up_s"].append(cold_up(lab_id, registry.env()))
            samples["build_up_s"].append(cold_up(lab_id, plain))
        build, pull = base_seconds(registry)
        samples["base_build_s"], samples["base_pull_s"] = [build], [pull]
    med = {name: statistics.median(v) for name, v in samples.items()}
    figures: dict[str, Any] = {"lab": lab_id, "runs": runs} | {k: round(v, 2) for k, v in med.items()}
    figures["ratio_pull_to_build"] = round(med["pull_up_s"] / med["build_up_s"], 3)
    fresh = (med["pull_up_s"] + med["base_pull_s"]) / (med["build_up_s"] + med["base_build_s"])
    figures["ratio_pull_to_build_from_nothing"] = round(fresh, 3)
    return figures | {"samples": samples, "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", default="mod-008")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lab-bench-registry-") as folder:
        figures = measure(args.lab, args.runs, Path(folder))
    print(f"{'cold up, images pulled':<28} {figures['pull_up_s']:8.2f} s")
    print(f"{'cold up, images built':<28} {figures['build_up_s']:8.2f} s")
    print(f"{'ratio pull / build':<28} {figures['ratio_pull_to_build']:8.3f}   (goal <= 0.25)")
    print(f"{'base image pulled':<28} {figures['base_pull_s']:8.2f} s")
    print(f"{'base image built':<28} {figures['base_build_s']:8.2f} s")
    print(f"{'ratio, from nothing':<28} {figures['ratio_pull_to_build_from_nothing']:8.3f}   (both with the base)")
    print(json.dumps(figures))


if __name__ == "__main__":
    with torn_down():
        main()
