"""The vm backend against real libvirt, QEMU (KVM or TCG), Terraform's libvirt provider and Ansible.

Slow: each VM boots a real kernel (about a minute to SSH under TCG on 2 cores)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from provisioner.backends.vm.libvirt import storage_root as vm_storage
from tests.helpers import lab, require_libvirt, resource, state_leftovers, status
from tests.helpers import vm_leftovers as libvirt_leftovers

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _needs_libvirt() -> None:
    require_libvirt()


def ssh(url: str, key: str, command: str) -> subprocess.CompletedProcess[str]:
    parts = urlsplit(url)
    argv = ["ssh", "-i", key, "-p", str(parts.port), "-o", "StrictHostKeyChecking=no"]
    argv += ["-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes"]
    argv += ["-o", "LogLevel=ERROR", f"{parts.username}@{parts.hostname}", command]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def test_vm_answers_ssh_with_its_key_is_configured_and_down_leaves_nothing(lab_home: Path) -> None:
    """tests/labs/vmlab: the catalog's VM labs go through the same steps in the catalog smoke."""
    lab("up", "vmlab")
    row = next(r for r in status() if r["lab"] == "vmlab" and r["instance"] == "default")
    assert row["state"] == "ready" and row["backend"] == "vm"
    url = row["endpoints"]["ssh"]
    assert url.startswith("ssh://learner@127.0.0.1:"), url  # loopback only, never a bridge address
    state = json.loads((lab_home / "instances" / "vmlab" / "default" / "state.json").read_text())
    key = state["hosts"]["vm"]["ssh_key_file"]
    assert Path(key).stat().st_mode & 0o777 == 0o600 and Path(key).is_relative_to(lab_home)
    assert state["accel"] in ("kvm", "qemu")

    answer = ssh(url, key, "systemctl is-system-running")
    assert answer.returncode == 0 and answer.stdout.strip() == "running", answer
    assert ssh(url, key, "id -un").stdout.strip() == "learner"
    # The recorded command is the same login; `lab shell -- CMD` runs one command.
    assert "127.0.0.1" in state["ssh_command"]["vm"]
    shell = lab("shell", "vmlab", "--", "cat", "/etc/hostname")
    assert shell.stdout.strip() == "vm"
    # Configured by its playbook over SSH, and `verify` reads that through the same login.
    assert ssh(url, key, "cat /etc/lab-vmlab").stdout == "configured by Ansible\n"
    lab("verify", "vmlab")
    # Another instance's key is not this one's: a fresh key file per instance, 0600.
    assert Path(key).with_suffix(".pub").read_text().startswith("ssh-ed25519 ")

    # `lab reset` after the learner broke sshd: the VM back to the snapshot `up` took once it was
    # configured (memory and disk, no boot), its clock set, its checks passing again.
    broken = ssh(url, key, "sudo rm /etc/lab-vmlab && echo Port 2222 | sudo tee -a /etc/ssh/sshd_config >/dev/null")
    assert broken.returncode == 0, broken
    ssh(url, key, "sudo systemctl restart ssh")
    assert ssh(url, key, "true").returncode != 0  # nothing listens on 22 any more
    lab("reset", "vmlab")
    assert ssh(url, key, "cat /etc/lab-vmlab").stdout == "configured by Ansible\n"
    assert "Port 2222" not in ssh(url, key, "cat /etc/ssh/sshd_config").stdout
    assert abs(int(ssh(url, key, "date +%s").stdout) - time.time()) < 60
    lab("verify", "vmlab")

    slug = resource("vmlab", "default")
    assert any(x.startswith(f"domain {slug}-vm") for x in libvirt_leftovers(slug))
    snapshots = [p.name for p in (vm_storage() / "snapshots").glob(f"{slug}-*")]
    assert sorted(snapshots) == [f"{slug}-vm-root.qcow2", f"{slug}-vm.sav"]
    lab("down", "vmlab")
    assert list((vm_storage() / "snapshots").glob(f"{slug}-*")) == []
    assert libvirt_leftovers(slug) == []
    assert state_leftovers(lab_home) == []


def test_down_sweeps_a_vm_terraform_forgot(lab_home: Path) -> None:
    """After a crash that lost Terraform's state, `down` still removes the domain, pool and disks
    by their names and the instance recorded in the domain's metadata, and nothing else."""
    lab("up", "vmcycle", "-i", "crash")
    slug = resource("vmcycle", "crash")
    assert libvirt_leftovers(slug) != []
    (lab_home / "instances" / "vmcycle" / "crash" / "terraform" / "terraform.tfstate").unlink()
    lab("down", "vmcycle", "-i", "crash")
    assert libvirt_leftovers(slug) == []
    assert state_leftovers(lab_home) == []
