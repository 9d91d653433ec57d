"""`lab doctor`: is this machine ready? Each finding carries the fix; --fix applies the safe ones."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

from . import paths
from .errors import LabError
from .proc import run

Row = dict[str, Any]


def _row(name: str, ok: bool, detail: str, fix: str = "", optional: bool = False) -> Row:
    return {"name": name, "ok": ok, "detail": detail, "fix": fix, "optional": optional}


def docker_engine() -> Row:
    if not shutil.which("docker"):
        return _row("docker", False, "no docker client on PATH", "install Docker (Debian: apt-get install docker.io)")
    result = run(["docker", "info", "--format", "{{.ServerVersion}}"], check=False, timeout=15)
    if result.returncode == 0:
        return _row("docker", True, f"engine {result.stdout.strip()} running")
    return _row("docker", False, "the Docker engine is not running", docker_fix())


def docker_fix() -> str:
    if os.geteuid() == 0 and Path("/etc/debian_version").exists():
        return "lab doctor --fix (installs docker.io if needed and starts dockerd)"
    return "start Docker: `sudo systemctl start docker` (Linux) or open Docker Desktop (macOS/Windows)"


def terraform_binary() -> Row:
    from .terraform import find_binary

    try:
        binary = find_binary()
    except LabError as exc:
        return _row("terraform", False, exc.message, exc.fix or "")
    version = run([binary, "version"], check=False, timeout=15).stdout.splitlines()[:1]
    return _row("terraform", True, f"{binary} ({version[0] if version else '?'})")


def providers() -> Row:
    mirror = paths.provider_mirror()
    found = sorted(
        str(p.relative_to(mirror).parent.parent) for p in mirror.glob("*/*/*/*/linux_amd64/terraform-provider-*")
    )
    if found:
        return _row("providers", True, f"mirror {mirror}: {', '.join(found)}")
    return _row(
        "providers",
        False,
        f"no provider mirror at {mirror} (the Terraform registry will be used)",
        "offline: bash scripts/build-provider-mirror",
        optional=True,
    )


def ansible() -> Row:
    binary = Path(sys.executable).parent / "ansible-playbook"
    if binary.exists():
        return _row("ansible", True, str(binary))
    return _row("ansible", False, "ansible-playbook not beside this Python", "pip install -e . (installs ansible)")


def vm() -> Row:
    """libvirt for the vm backend, and whether guests get KVM or TCG (probed under a timeout)."""
    from .backends import vm as vmb

    try:
        version = vmb.libvirt_version()
    except LabError as exc:
        return _row("vm", False, exc.message, exc.fix or "", optional=True)
    kernels = sorted(vmb.image_cache().glob("*/vmlinuz"), key=lambda p: p.stat().st_mtime)
    accel, detail = vmb.probe_accel(kernels[-1] if kernels else None)
    return _row("vm", True, f"{version}; guests: {'KVM' if accel == 'kvm' else 'TCG'} ({detail})")


def diagnose(fix: bool = False) -> list[Row]:
    rows = [
        _row(
            "python",
            sys.version_info >= (3, 11),
            f"{platform.python_version()} at {sys.executable}",
            "use Python 3.11 or newer",
        ),
        terraform_binary(),
        providers(),
        ansible(),
        docker_engine(),
        vm(),
    ]
    can_fix = fix and os.geteuid() == 0 and Path("/etc/debian_version").exists()
    if can_fix and not rows[-2]["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-docker")], check=False, timeout=600)
        rows[-2] = docker_engine()
    if can_fix and not rows[-1]["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-libvirt")], check=False, timeout=900)
        rows[-1] = vm()
    return rows
