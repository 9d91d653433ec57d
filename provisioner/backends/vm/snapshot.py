"""`lab reset` of a VM: back to the moment `up` found it ready, memory and disk.

Once up's readiness checks pass, each VM is saved by libvirt (`virsh save`: its memory to a
file, QEMU's disk writes flushed and the guest stopped), its root disk is copied beside that
file, and the VM is restored at once. Reset stops the VM, copies the disk back and restores the
same memory file: the guest carries on from that instant, so it needs no boot and no Ansible
pass, and whatever the learner broke (sshd's config included) is gone. Copies go through
libvirt (vol-download and vol-upload, sparse), which owns the pool's files. A restored guest's
clock stands where it was saved, so it is set from the host's over SSH."""

from __future__ import annotations

import time
from pathlib import Path

from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import snapshot_dir, virsh
from provisioner.backends.vm.shell import close_shared, ssh_argv
from provisioner.core.errors import InfraError, UsageError
from provisioner.lifecycle.steps import Context

# Writing a guest's memory, or reading it back, under software emulation on a loaded machine.
SAVE_TIMEOUT = 600.0


def files(domain: str) -> tuple[Path, Path]:
    """The memory file and the root disk copy of a domain's snapshot."""
    return snapshot_dir() / f"{domain}.sav", snapshot_dir() / f"{domain}-root.qcow2"


def take(run: Runner, ctx: Context) -> None:
    """The `snapshot` step of up: each VM saved, its disk copied, and restored."""
    # Memory and disk hold what the guest holds (generated passwords): for the owner only.
    snapshot_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    hosts = ctx.store.load().hosts
    for hv in hosts.values():
        memory, disk = files(hv["domain"])
        memory.unlink(missing_ok=True)  # virsh save does not overwrite
        disk.unlink(missing_ok=True)
        disk.touch(mode=0o600)  # vol-download keeps an existing file's mode
        virsh(run, "save", hv["domain"], str(memory), "--running", timeout=SAVE_TIMEOUT)
        try:
            _copy(run, "vol-download", ctx.name, hv["domain"], disk)
        finally:
            virsh(run, "restore", str(memory), timeout=SAVE_TIMEOUT)
    _after_restore(run, ctx, hosts)


def restore(run: Runner, ctx: Context) -> None:
    """The reset step: each VM stopped, its disk copied back, its memory file restored."""
    hosts = ctx.store.load().hosts
    missing = [d for d in (hv["domain"] for hv in hosts.values()) if not all(f.exists() for f in files(d))]
    if missing:
        raise UsageError(
            f"no snapshot of {', '.join(missing)} to reset to (the sandbox was made before lab kept one)",
            f"start over with `lab down {ctx.ref.lab}` then `lab up {ctx.ref.lab}`",
        )
    for hv in hosts.values():
        memory, disk = files(hv["domain"])
        virsh(run, "destroy", hv["domain"], check=False)  # already stopped is fine
        _copy(run, "vol-upload", ctx.name, hv["domain"], disk)
        virsh(run, "restore", str(memory), timeout=SAVE_TIMEOUT)
    _after_restore(run, ctx, hosts)


def _copy(run: Runner, verb: str, pool: str, domain: str, file: Path) -> None:
    virsh(run, verb, "--sparse", "--pool", pool, f"{domain}-root.qcow2", str(file), timeout=SAVE_TIMEOUT)


def _after_restore(run: Runner, ctx: Context, hosts: dict[str, dict[str, str]]) -> None:
    """The old shared SSH connections lead nowhere; each guest's clock is set from the host's."""
    close_shared(run, hosts)
    for host in hosts:
        _set_clock(run, ctx, host)


def _set_clock(run: Runner, ctx: Context, host: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        argv = ssh_argv(ctx, host, ["sudo", "-n", "date", "-u", "-s", f"@{time.time():.3f}"], connect_timeout=5)
        result = run(argv, check=False, timeout=30)
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise InfraError(
                f"{host} did not answer SSH after its snapshot was restored: {result.stderr_tail.strip()[-200:]}",
                f"`lab down {ctx.ref.lab}` then `lab up {ctx.ref.lab}` makes it again",
            )
        time.sleep(1)
