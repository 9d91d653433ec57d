"""The local Docker engine: the docker backend runs on it, and the VM image's docker variant
builds the images it carries with it."""

from __future__ import annotations

import os
from pathlib import Path

from provisioner.backends.common.runner import Runner
from provisioner.core.errors import InfraError

ENGINE_VERSION = ["docker", "info", "--format", "{{.ServerVersion}}"]


def can_fix() -> bool:
    """`lab doctor --fix` installs and starts engines only as root on Debian/Ubuntu."""
    return os.geteuid() == 0 and Path("/etc/debian_version").exists()


def docker_fix() -> str:
    """How to get the Docker engine running on this machine."""
    if can_fix():
        return "lab doctor --fix (installs docker.io if needed and starts dockerd)"
    return "start Docker: `sudo systemctl start docker` (Linux) or open Docker Desktop (macOS/Windows)"


def engine_running(run: Runner) -> str:
    """The engine's version, or an InfraError saying how to start it."""
    result = run(ENGINE_VERSION, check=False, timeout=20)
    if result.returncode != 0 or not result.stdout.strip():
        raise InfraError("the Docker engine is not running (`docker info` got no answer)", docker_fix())
    return result.stdout.strip()
