"""Shared helpers for end-to-end tests: run the real CLI, read status, find leftovers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def lab(
    *args: str, check: bool = True, env: dict[str, str] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI; `timeout` (seconds) bounds a command that must not hang the suite."""
    argv = [sys.executable, "-m", "provisioner", *args]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"lab {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def write_roster(path: Path, ids: list[str]) -> Path:
    """A cohort's roster CSV: one student per id, with a name and an address made from it."""
    path.write_text("student_id,name,email\n" + "".join(f"{i},Student {i},{i}@example.edu\n" for i in ids))
    return path


def status() -> list[dict[str, Any]]:
    return list(json.loads(lab("status", "--output", "json").stdout))


def endpoints(lab_id: str, instance: str = "default") -> dict[str, str]:
    return next(r["endpoints"] for r in status() if r["lab"] == lab_id and r["instance"] == instance)


def secrets(lab_id: str, instance: str = "default") -> dict[str, str]:
    data = json.loads(lab("show", lab_id, "--secrets", "--output", "json").stdout)
    return next(i["secrets"] for i in data["instances"] if i["instance"] == instance)


def docker_leftovers(*instances: str, lab_id: str = "dockerlab") -> list[str]:
    """Resources of these instances of a test lab (default: all of the lab's). Other sandboxes may
    share the engine, so tests name what they made."""
    assert not any("=" in i or "/" in i for i in instances), "pass instance names, not labels"
    labels = [f"org.lab.instance={lab_id}/{i}" for i in instances] or [f"org.lab.lab={lab_id}"]
    found = []
    for label in labels:
        for kind in (["ps", "-a"], ["network", "ls"], ["volume", "ls"]):
            argv = ["docker", *kind, "-q", "--filter", f"label={label}"]
            found += subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
    return found


def virsh_names(*args: str) -> list[str]:
    """The first column of a `virsh -q` listing (names of domains, pools, volumes)."""
    out = subprocess.run(
        ["virsh", "-q", "-c", "qemu:///system", *args], capture_output=True, text=True, check=True, timeout=60
    )
    return [line.split()[0] for line in out.stdout.splitlines() if line.split()]


def vm_leftovers(slug: str) -> list[str]:
    """Everything of one VM instance libvirt or the disk still knows about (names start with the slug)."""
    storage = Path(os.environ.get("LAB_VM_STORAGE", "/var/lib/libvirt/images/lab"))
    found = [f"domain {d}" for d in virsh_names("list", "--all", "--name") if d.startswith(slug + "-")]
    found += [f"pool {p}" for p in virsh_names("pool-list", "--all", "--name") if p == slug]
    found += [f"network {n}" for n in virsh_names("net-list", "--all", "--name") if n.startswith(slug)]
    for pool in virsh_names("pool-list", "--name"):
        found += [f"volume {pool}/{v}" for v in virsh_names("vol-list", pool) if v.startswith(slug)]
    found += [f"file {p}" for p in storage.rglob(f"{slug}*")]
    found += [f"file {p}" for p in Path("/var/log/libvirt/qemu").glob(f"{slug}-*")]
    return found


def state_leftovers(home: Path) -> list[str]:
    keep = {"terraform.rc", "ports.json", "ports.lock", "plugin-cache.lock"}
    # Caches shared by every instance, not any instance's state: Terraform inits kept per module.
    files = [p.relative_to(home) for p in home.rglob("*") if p.is_file() and p.name not in keep]
    return [str(p) for p in files if p.parts[0] != "terraform-init"]


def libvirt_problem() -> str | None:
    """Why VMs cannot run here (no QEMU, no libvirtd answering), or None."""
    from provisioner.backends.vm.libvirt import libvirt_version
    from provisioner.core import proc
    from provisioner.core.errors import InfraError

    if not shutil.which("qemu-system-x86_64"):
        return "no qemu-system-x86_64 on PATH (scripts/install-libvirt installs it)"
    try:
        libvirt_version(proc.run)
    except InfraError as exc:
        return exc.message
    return None


def require_libvirt() -> None:
    """VM tests skip on a laptop without libvirt and fail in CI, which must run them."""
    import pytest

    if problem := libvirt_problem():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run VMs: {problem}")
        pytest.skip(problem)


def resource(lab_id: str, instance: str, component: str | None = None) -> str:
    """The name `lab` gives a new instance's resources (and a component's) under the current LAB_HOME."""
    from provisioner.core import naming

    name = naming.resource_name(lab_id, instance)
    return f"{name}-{component}" if component else name


def wait_for_ledger(folder: Path, step: str, timeout: float = 60) -> None:
    """Until the instance's ledger shows `step` begun."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ledger = folder / "ledger.jsonl"
        if ledger.exists() and f'"step": "{step}"' in ledger.read_text():
            return
        time.sleep(0.02)
    raise AssertionError(f"step {step} never started in {folder}")
