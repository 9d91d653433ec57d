"""`lab doctor` for the docker backend: the engine answers, and its default bridge still exists."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from provisioner.backends.common.engine import ENGINE_VERSION, can_fix, docker_fix
from provisioner.backends.common.findings import Finding, finding
from provisioner.backends.common.runner import Runner
from provisioner.core import paths

# Where the engine's bridge shows up when the engine shares this machine's network namespace.
SYS_CLASS_NET = Path("/sys/class/net")


def docker_engine(run: Runner) -> Finding:
    """The client is installed and the engine answers."""
    if not shutil.which("docker"):
        return finding(
            "docker", False, "no docker client on PATH", "install Docker (Debian: apt-get install docker.io)"
        )
    result = run(ENGINE_VERSION, check=False, timeout=15)
    if result.returncode == 0:
        return finding("docker", True, f"engine {result.stdout.strip()} running")
    return finding("docker", False, "the Docker engine is not running", docker_fix())


def docker_bridge(run: Runner) -> Finding | None:
    """The default network's bridge of a local engine still exists. Another dockerd started on the
    host with `--bridge none` deletes it while the engine keeps running; then every container on
    the default network and every `docker build` RUN step fails until the engine restarts.

    None where this machine's interfaces say nothing about the engine's: not Linux, a remote or
    TCP DOCKER_HOST, Docker Desktop (a VM), rootless Docker (its own network namespace), or an
    engine without a default bridge network (started with `--bridge none` on purpose)."""
    if not sys.platform.startswith("linux") or not _local_engine_socket(run):
        return None
    details = _json(run, ["docker", "info", "--format", "{{json .}}"])
    if details is None or "Docker Desktop" in str(details.get("OperatingSystem", "")):
        return None
    if any("rootless" in str(option) for option in details.get("SecurityOptions") or []):
        return None
    options = _json(run, ["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"])
    if options is None:
        return None
    name = str(options.get("com.docker.network.bridge.name") or "docker0")
    if (SYS_CLASS_NET / name).exists():
        return finding("docker bridge", True, f"default network's bridge {name} present")
    return finding(
        "docker bridge",
        False,
        f"the engine runs but its default bridge {name} is gone: containers on the default network and "
        "`docker build` RUN steps fail (another dockerd started with --bridge none on this machine deletes it)",
        f"restart the Docker engine, which recreates {name} (it stops running containers unless live-restore "
        "is on): `sudo systemctl restart docker`; without systemd, stop dockerd "
        "(`kill $(cat /var/run/docker.pid)`), wait until it has exited, then `bash scripts/install-docker`",
    )


def _json(run: Runner, argv: list[str]) -> dict[str, Any] | None:
    """The command's JSON object (null counts as empty), or None when it fails or prints no JSON."""
    result = run(argv, check=False, timeout=15)
    if result.returncode != 0:
        return None
    try:
        data = json.loads(result.stdout) or {}
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _local_engine_socket(run: Runner) -> bool:
    """The client talks to an engine on this machine through a unix socket (DOCKER_HOST wins over
    the current context, which DOCKER_CONTEXT may name)."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        argv = ["docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}"]
        context = run(argv, check=False, timeout=15)
        host = context.stdout.strip() if context.returncode == 0 else ""
    return (host or "unix:///var/run/docker.sock").startswith("unix://")


def findings(run: Runner, fix: bool) -> list[Finding]:
    """The engine (installed and started by `fix` where that is safe), then its bridge. The bridge
    is never repaired: restarting the engine stops the user's containers."""
    engine = docker_engine(run)
    if fix and can_fix() and not engine["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-docker")], check=False, timeout=600)
        engine = docker_engine(run)
    bridge = docker_bridge(run) if engine["ok"] else None
    return [engine, bridge] if bridge else [engine]
