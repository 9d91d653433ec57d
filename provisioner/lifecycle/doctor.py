"""`lab doctor`: is this machine ready? Each finding carries the fix; --fix applies the safe ones."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

from provisioner.core import paths
from provisioner.core.errors import LabError
from provisioner.core.proc import run

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


# Where the engine's bridge shows up when the engine shares this machine's network namespace.
SYS_CLASS_NET = Path("/sys/class/net")


def docker_bridge() -> Row | None:
    """The default network's bridge of a local engine still exists. Another dockerd started on the
    host with `--bridge none` deletes it while the engine keeps running; then every container on
    the default network and every `docker build` RUN step fails until the engine restarts.

    None where this machine's interfaces say nothing about the engine's: not Linux, a remote or
    TCP DOCKER_HOST, Docker Desktop (a VM), rootless Docker (its own network namespace), or an
    engine without a default bridge network (started with `--bridge none` on purpose)."""
    if not sys.platform.startswith("linux") or not _local_engine_socket():
        return None
    info = run(["docker", "info", "--format", "{{json .}}"], check=False, timeout=15)
    if info.returncode != 0:
        return None
    try:
        details = json.loads(info.stdout)
    except ValueError:
        return None
    if "Docker Desktop" in str(details.get("OperatingSystem", "")):
        return None
    if any("rootless" in str(option) for option in details.get("SecurityOptions") or []):
        return None
    network = run(["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"], check=False, timeout=15)
    if network.returncode != 0:
        return None
    try:
        options = json.loads(network.stdout) or {}
    except ValueError:
        return None
    name = str(options.get("com.docker.network.bridge.name") or "docker0")
    if (SYS_CLASS_NET / name).exists():
        return _row("docker bridge", True, f"default network's bridge {name} present")
    return _row(
        "docker bridge",
        False,
        f"the engine runs but its default bridge {name} is gone: containers on the default network and "
        "`docker build` RUN steps fail (another dockerd started with --bridge none on this machine deletes it)",
        f"restart the Docker engine, which recreates {name} (it stops running containers unless live-restore "
        "is on): `sudo systemctl restart docker`; without systemd, stop dockerd "
        "(`kill $(cat /var/run/docker.pid)`), wait until it has exited, then `bash scripts/install-docker`",
    )


def _local_engine_socket() -> bool:
    """The client talks to an engine on this machine through a unix socket (DOCKER_HOST wins over
    the current context, which DOCKER_CONTEXT may name)."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        argv = ["docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}"]
        context = run(argv, check=False, timeout=15)
        host = context.stdout.strip() if context.returncode == 0 else ""
    return (host or "unix:///var/run/docker.sock").startswith("unix://")


def terraform_binary() -> Row:
    from provisioner.backends.common.terraform import find_binary

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
    from provisioner.backends.vm import backend as vmb

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
    ]
    can_fix = fix and os.geteuid() == 0 and Path("/etc/debian_version").exists()
    engine = docker_engine()
    if can_fix and not engine["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-docker")], check=False, timeout=600)
        engine = docker_engine()
    rows.append(engine)
    # Not repaired by --fix: restarting the engine stops the user's containers.
    bridge = docker_bridge() if engine["ok"] else None
    if bridge:
        rows.append(bridge)
    libvirt = vm()
    if can_fix and not libvirt["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-libvirt")], check=False, timeout=900)
        libvirt = vm()
    rows.append(libvirt)
    return rows
