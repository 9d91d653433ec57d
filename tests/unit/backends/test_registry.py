"""The registry: every backend built with one runner, and `lab shell` asking the instance's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner import backends
from provisioner.backends.common.ownership import home_id
from provisioner.backends.docker.orphans import home_label
from provisioner.backends.vm.libvirt import URI
from provisioner.core.errors import BackendUnavailable, UsageError
from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle import gc
from tests.unit.backends.fake_run import FakeRun


def test_every_backend_in_registry_order_shares_the_runner() -> None:
    run = FakeRun()
    assert [(b.name, b.run) for b in backends.every(run)] == [
        ("local", run),
        ("docker", run),
        ("vm", run),
        ("kind", run),
        ("kubernetes", run),
    ]
    with pytest.raises(BackendUnavailable, match="no such backend"):
        backends.get("nomad")


def test_shell_asks_the_backend_the_instance_runs_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    with pytest.raises(UsageError, match=r"dockerlab \(default\) is not up"):
        backends.shell_argv("dockerlab", "default", None, [], tty=False)
    Store(InstanceRef("dockerlab")).update(
        backend="docker", name="lab-dockerlab-default", hosts={"app": {"container": "c"}}
    )
    argv = backends.shell_argv("dockerlab", "default", None, ["true"], tty=False)
    assert argv == ["docker", "exec", "-i", "lab-dockerlab-default-app", "true"]
    Store(InstanceRef("testlab")).update(backend="local", hosts={"workspace": {}})
    with pytest.raises(UsageError, match="`lab shell` has nowhere to log in"):
        backends.shell_argv("testlab", "default", None, [], tty=True)


def test_gc_asks_every_backend_and_each_removes_only_its_own_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    ps = ("docker", "ps", "-a", "--filter", "label=org.lab.instance", "--filter", f"label={home_label()}")
    virsh = ("virsh", "-q", "-c", URI)
    owner = json.dumps({"tool": "lab", "instance": "ghost/x", "home": home_id()})
    domains = {(*virsh, "list", "--all", "--name"): "lab-ghost-x-vm\n", (*virsh, "desc"): owner}
    run = FakeRun({ps: "c1 ghost/x\n", **domains})
    found = gc.orphans(run)
    assert [(o["backend"], o["kind"], o["id"]) for o in found] == [
        ("docker", "container", "c1"),
        ("vm", "domain", "lab-ghost-x-vm"),
    ]
    run.calls.clear()
    gc.remove(found, run)
    assert run.calls[0] == ["docker", "rm", "-f", "-v", "c1"]
    removed = [argv[4:] for argv in run.calls[1:3]]
    assert removed == [["destroy", "lab-ghost-x-vm"], ["undefine", "lab-ghost-x-vm", "--nvram"]]
