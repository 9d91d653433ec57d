"""`lab reset` of VMs: the snapshot up keeps once the VM is ready, and its restore, through libvirt."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.backends.vm import snapshot
from provisioner.backends.vm.backend import VmBackend
from provisioner.core.errors import UsageError
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun

HOSTS = {"web": {"domain": "lab-vmunit-default-web", "ssh_port": 27022}}


def virsh_calls(run: FakeRun) -> list[list[str]]:
    return [argv[4:] for argv in run.calls if argv[0] == "virsh"]


def test_up_saves_each_vm_copies_its_disk_then_restores_it_and_sets_its_clock(ctx: Context, storage: Path) -> None:
    ctx.store.update(hosts=HOSTS)
    run = FakeRun()
    assert [s.name for s in VmBackend(run).up_steps()][-1] == "configure"
    assert [s.name for s in VmBackend(run).after_ready_steps()] == ["snapshot"]  # of what readiness proved
    snapshot.take(run, ctx)
    memory, disk = snapshot.files("lab-vmunit-default-web")
    assert virsh_calls(run) == [
        ["save", "lab-vmunit-default-web", str(memory), "--running"],
        ["vol-download", "--sparse", "--pool", "lab-vmunit-default", "lab-vmunit-default-web-root.qcow2", str(disk)],
        ["restore", str(memory)],
    ]
    assert disk.stat().st_mode & 0o777 == 0o600 and disk.parent.stat().st_mode & 0o777 == 0o700
    clock = [argv[-1] for argv in run.calls if argv[0] == "ssh" and "-O" not in argv]
    assert len(clock) == 1 and clock[0].startswith("sudo -n date -u -s @")


def test_reset_copies_the_disk_back_and_restores_the_memory_file(ctx: Context, storage: Path) -> None:
    ctx.store.update(hosts=HOSTS)
    memory, disk = snapshot.files("lab-vmunit-default-web")
    memory.parent.mkdir(parents=True)
    memory.write_bytes(b"sav")
    disk.write_bytes(b"qcow2")
    run = FakeRun()
    VmBackend(run).reset_steps()[0].action(ctx)
    assert virsh_calls(run) == [
        ["destroy", "lab-vmunit-default-web"],
        ["vol-upload", "--sparse", "--pool", "lab-vmunit-default", "lab-vmunit-default-web-root.qcow2", str(disk)],
        ["restore", str(memory)],
    ]


def test_a_sandbox_without_a_snapshot_says_how_to_start_over(ctx: Context, storage: Path) -> None:
    ctx.store.update(hosts=HOSTS)
    with pytest.raises(UsageError, match="no snapshot of lab-vmunit-default-web") as err:
        snapshot.restore(FakeRun(), ctx)
    assert "lab down vmunit" in (err.value.fix or "")
