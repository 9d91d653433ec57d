"""Each VM's cloud-init seed: an ISO made here and attached as a plain file.

No libvirt stream is ever opened through the provider: its libvirt client can deadlock on a
volume download (see docs/troubleshooting.md), so the seed is not a `libvirt_cloudinit_disk`,
whose every refresh downloads the ISO."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import libvirt_fix, seed_dir, storage_root, virsh
from provisioner.backends.vm.shell import SSH_USER
from provisioner.core.errors import InfraError


def iso_tool() -> str | None:
    """mkisofs or genisoimage, whichever is installed."""
    return shutil.which("mkisofs") or shutil.which("genisoimage")


def seed_files(slug: str, vm: str, public_key: str) -> dict[str, str]:
    """NoCloud user-data and meta-data of one VM: its hostname, and the learner with the
    instance's key (passwordless sudo, no password login). JSON is YAML, and unambiguous."""
    user = {
        "name": SSH_USER,
        "gecos": "Lab learner",
        "shell": "/bin/bash",
        "groups": ["sudo", "adm"],
        "sudo": "ALL=(ALL) NOPASSWD:ALL",
        "lock_passwd": True,
        "ssh_authorized_keys": [public_key],
    }
    config = {
        "hostname": vm,
        "manage_etc_hosts": True,
        "ssh_pwauth": False,
        "disable_root": True,
        "users": [user],
    }
    meta = {"instance-id": f"{slug}-{vm}", "local-hostname": vm}
    return {
        "user-data": "#cloud-config\n" + json.dumps(config, indent=2, sort_keys=True) + "\n",
        "meta-data": json.dumps(meta, indent=2, sort_keys=True) + "\n",
    }


def write_seed(run: Runner, slug: str, vm: str, public_key: str) -> Path:
    """The VM's seed ISO (volume id `cidata`), named after its content: an existing one is reused,
    and a changed seed is a new file, so Terraform replaces the VM as it would for any change."""
    files = seed_files(slug, vm, public_key)
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    target = seed_dir() / f"{slug}-{vm}-seed-{digest}.iso"
    if target.is_file():
        return target
    seed_dir().mkdir(parents=True, exist_ok=True)
    for path in (storage_root(), seed_dir()):
        path.chmod(0o755)  # QEMU (user libvirt-qemu) reads the seed
    iso = seed_dir() / f".{target.name}.tmp"
    try:
        build_iso(run, files, iso)
        os.replace(iso, target)
    finally:
        iso.unlink(missing_ok=True)
    return target


def build_iso(run: Runner, files: dict[str, str], iso: Path) -> None:
    """A NoCloud seed ISO (volume id `cidata`) holding these files, readable by everyone."""
    tool = iso_tool()
    if not tool:
        raise InfraError("neither mkisofs nor genisoimage is on PATH (cloud-init seeds need one)", libvirt_fix())
    with tempfile.TemporaryDirectory(prefix="lab-seed-") as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text)
        argv = [tool, "-quiet", "-output", str(iso), "-volid", "cidata", "-joliet", "-rock"]
        run([*argv, *(str(Path(tmp) / name) for name in files)], timeout=60)
    iso.chmod(0o644)  # a public key and a hostname: nothing secret


def drop_streamed_seeds(run: Runner, workdir: Path) -> None:
    """Instances made before seeds were plain files hold `libvirt_cloudinit_disk` resources, whose
    refresh downloads the seed over a libvirt stream and can hang the provider for good. Deleting
    those seed volumes first makes Terraform's refresh see them gone, so it downloads nothing (the
    VM read its seed at first boot and does not need it again)."""
    try:
        state = json.loads((workdir / "terraform.tfstate").read_text())
    except (OSError, ValueError):
        return
    for resource in state.get("resources") or []:
        if resource.get("type") != "libvirt_cloudinit_disk":
            continue
        for instance in resource.get("instances") or []:
            key = str((instance.get("attributes") or {}).get("id") or "").split(";", 1)[0]
            if key:
                virsh(run, "vol-delete", key, check=False)
