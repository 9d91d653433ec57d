"""libvirt on this machine (qemu:///system): virsh, the storage root, pools, who made a domain,
and console logs."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from provisioner import TOOL
from provisioner.backends.common.engine import can_fix
from provisioner.backends.common.runner import Runner
from provisioner.core.errors import InfraError

URI = "qemu:///system"
IMAGES_POOL = "lab-images"
CONSOLE_LOG_DIR = Path("/var/log/libvirt/qemu")


def storage_root() -> Path:
    """Where libvirt keeps lab disks; QEMU (user libvirt-qemu) must be able to traverse it."""
    return Path(os.environ.get("LAB_VM_STORAGE", "/var/lib/libvirt/images/lab"))


def seed_dir() -> Path:
    """Cloud-init seed ISOs of every instance (outside any pool: a pool's folder must be empty
    for Terraform to delete the pool)."""
    return storage_root() / "seeds"


def snapshot_dir() -> Path:
    """Each VM's snapshot for `lab reset` (outside any pool, like the seeds)."""
    return storage_root() / "snapshots"


def virsh(run: Runner, *args: str, check: bool = True, timeout: float = 60) -> str:
    """Run `virsh` on the system URI; its stdout."""
    return run(["virsh", "-q", "-c", URI, *args], check=check, timeout=timeout).stdout


def libvirt_version(run: Runner) -> str:
    """'libvirt 9.0.0, QEMU 7.2.x', or an InfraError saying how to get libvirtd running."""
    if not shutil.which("virsh"):
        raise InfraError("libvirt is not installed (no virsh on PATH)", libvirt_fix())
    result = run(["virsh", "-c", URI, "version"], check=False, timeout=20)
    if result.returncode != 0:
        raise InfraError(f"libvirtd does not answer on {URI}: {result.stderr_tail.strip()[:200]}", libvirt_fix())
    info = dict((k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in result.stdout.splitlines()) if v)
    lib = info.get("Using library", "").replace("libvirt ", "")
    return f"libvirt {lib}, {info.get('Running hypervisor', '?')}"


def libvirt_fix() -> str:
    """How to get libvirt running on this machine."""
    if can_fix():
        return "lab doctor --fix (installs libvirt and QEMU if needed and starts virtlogd/libvirtd)"
    return "install libvirt and QEMU and start libvirtd (see scripts/install-libvirt)"


def ensure_pool(run: Runner, name: str, target: Path) -> None:
    """Define, autostart and start a directory pool at `target` (idempotent)."""
    result = run(["virsh", "-q", "-c", URI, "pool-dumpxml", name], check=False, timeout=30)
    if result.returncode != 0:
        virsh(run, "pool-define-as", name, "dir", "--target", str(target))
        virsh(run, "pool-autostart", name)
    elif f"<path>{target}</path>" not in result.stdout:
        raise InfraError(
            f"libvirt pool {name!r} exists with another directory than {target}",
            f"set LAB_VM_STORAGE to that pool's parent folder, or `virsh pool-destroy {name}; "
            f"virsh pool-undefine {name}`",
        )
    if name not in virsh(run, "pool-list", "--name").split():  # `pool-list` shows active pools only
        virsh(run, "pool-start", name)


def owner(run: Runner, domain: str) -> dict[str, Any] | None:
    """The ownership metadata lab writes in the description of every domain it makes, else None."""
    text = virsh(run, "desc", domain, check=False).strip()
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def console_log(domain: str) -> Path:
    """Where libvirt writes a domain's serial console."""
    return CONSOLE_LOG_DIR / f"{domain}-console.log"


def console_tail(domain: str, lines: int = 3) -> str:
    """The last lines of a domain's console, for an error message."""
    with contextlib.suppress(OSError):
        text = console_log(domain).read_text(errors="replace")
        tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
        return " | ".join(tail)[-300:] or "(empty)"
    return "(no console log)"
