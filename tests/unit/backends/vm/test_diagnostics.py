"""A failed VM instance's diagnostics bundle holds each domain's info, its console log, and a
verbose SSH login attempt with the guest's own view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.backends.vm import libvirt
from provisioner.backends.vm.backend import VmBackend
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun

VIRSH = ("virsh", "-q", "-c", libvirt.URI)


def test_console_log_and_dominfo_of_the_instances_domains_only(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(libvirt, "CONSOLE_LOG_DIR", tmp_path / "qemu")
    (tmp_path / "qemu").mkdir()
    (tmp_path / "qemu" / "lab-vmunit-default-web-console.log").write_text("[ 0.0] Linux version 6.1\ncloud-init\n")
    owner = json.dumps({"tool": "lab", "instance": "vmunit/default"})
    run = FakeRun(
        {
            (*VIRSH, "list", "--all", "--name"): "lab-vmunit-default-web\nlab-vmunit-default2-web\n",
            (*VIRSH, "desc", "lab-vmunit-default-web"): owner,
            (*VIRSH, "dominfo", "lab-vmunit-default-web"): "State:          running\n",
        }
    )
    dest = tmp_path / "bundle"
    dest.mkdir()
    VmBackend(run).collect_diagnostics(ctx, dest)
    assert sorted(p.name for p in dest.iterdir()) == [
        "lab-vmunit-default-web-console.log",
        "lab-vmunit-default-web.dominfo.txt",
    ]
    assert "Linux version 6.1" in (dest / "lab-vmunit-default-web-console.log").read_text()
    assert (dest / "lab-vmunit-default-web.dominfo.txt").read_text() == "State:          running\n"


def test_a_verbose_ssh_login_says_where_a_dropped_connection_stopped(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    ctx.store.update(hosts={"web": {"ssh_port": 2222}})
    run = FakeRun({("virsh",): "", ("ssh", "-v"): (255, "")})
    VmBackend(run).collect_diagnostics(ctx, tmp_path)
    ssh = next(c for c in run.calls if c[0] == "ssh")
    assert ssh[:2] == ["ssh", "-v"] and "-p" in ssh and "2222" in ssh and "journalctl" in ssh[-1]
    assert "(exit 255)" in (tmp_path / "web-ssh.log").read_text()
