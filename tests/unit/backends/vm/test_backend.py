"""The vm backend's steps, sweep and `lab shell`, with the command runner replaced."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from provisioner.backends.vm.backend import VmBackend
from provisioner.backends.vm.libvirt import seed_dir
from provisioner.backends.vm.shell import control_dir
from provisioner.core.errors import UsageError
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun

HOSTS = {"db": {"domain": "lab-vmunit-default-db", "ssh_port": 27022}, "web": {"ssh_port": 27023}}
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
SSH_OPTIONS += ["-o", "IdentitiesOnly=yes"]


def test_sweep_removes_this_instances_seeds_and_no_one_elses(
    ctx: Context, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)  # no libvirt: files only
    seed_dir().mkdir(parents=True)
    mine = [seed_dir() / f"lab-vmunit-default-{c}-seed-0123456789ab.iso" for c in ("web", "db")]
    others = [seed_dir() / n for n in ("lab-vmunit-default2-web-seed-0123456789ab.iso", "lab-mod-002-x.iso")]
    for path in mine + others:
        path.write_bytes(b"iso")
    ctx.store.update(seeds={"web": str(mine[0])})
    VmBackend(FakeRun()).sweep(ctx)
    assert [p for p in mine if p.exists()] == []
    assert all(p.exists() for p in others)


def test_ports_are_allocated_just_before_terraform_starts_the_vms() -> None:
    """Ports are free when allocated, but another state root may take one later: keep the image
    build (minutes) out of that window."""
    names = [s.name for s in VmBackend(FakeRun()).up_steps()]
    assert names.index("image") < names.index("seed") < names.index("ports")
    assert names[names.index("ports") :][:4] == ["ports", "render", "init", "apply"]
    assert VmBackend(FakeRun()).step("boot").name == "boot"
    assert VmBackend(FakeRun()).step("ports", "down").text == "releasing ports"


def test_shell_logs_in_to_the_first_vm_or_runs_one_command_in_the_named_one(ctx: Context) -> None:
    ctx.store.update(hosts=HOSTS)
    key = str(ctx.store.path("ssh", "id_ed25519"))
    backend = VmBackend(FakeRun())
    login = ["ssh", "-i", key, "-p", "27022", *SSH_OPTIONS, "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15"]
    assert backend.shell_argv(ctx, None, [], tty=True) == [*login, "-t", "learner@127.0.0.1"]
    command = backend.shell_argv(ctx, "web", ["ls", "-l", "a b"], tty=False)
    assert command[:5] == ["ssh", "-i", key, "-p", "27023"]
    assert command[-4:] == ["BatchMode=yes", "-T", "learner@127.0.0.1", "ls -l 'a b'"]


def test_checks_share_one_connection_and_run_as_root(ctx: Context) -> None:
    ctx.store.update(hosts=HOSTS)
    argv = VmBackend(FakeRun()).exec_argv(ctx, "web", ["cat", "/etc/shadow"])
    assert ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_dir()}/%C"] == argv[17:21]
    assert argv[-1] == "sudo -n -- cat /etc/shadow"


def test_shell_says_what_is_missing(ctx: Context) -> None:
    with pytest.raises(UsageError, match=r"vmunit \(default\) has no running VM"):
        VmBackend(FakeRun()).shell_argv(ctx, None, [], tty=True)
    ctx.store.update(hosts=HOSTS)
    with pytest.raises(UsageError, match="has no VM 'cache': it has db, web"):
        VmBackend(FakeRun()).shell_argv(ctx, "cache", [], tty=True)
