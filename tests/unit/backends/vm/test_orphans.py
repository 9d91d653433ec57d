"""`lab gc` for VMs: the libvirt commands that list a state root's leftovers and remove them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.backends.common.ownership import home_id
from provisioner.backends.vm.backend import VmBackend
from provisioner.backends.vm.libvirt import URI, seed_dir
from tests.unit.backends.fake_run import FakeRun

VIRSH = ("virsh", "-q", "-c", URI)


def desc(instance: str, home: str) -> str:
    return json.dumps({"tool": "lab", "lab": instance.split("/")[0], "instance": instance, "home": home})


@pytest.fixture
def run(tmp_path: Path, storage: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRun:
    """libvirt with a domain of a lost instance, one whose instance has state, one of another
    state root, and one lab never made."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    # The backend asks libvirt only where virsh is installed; this one answers without it.
    monkeypatch.setattr("provisioner.backends.vm.backend.shutil.which", lambda tool: f"/usr/bin/{tool}")
    domains = ["lab-ghost-x-vm", "lab-mine-default-vm", "lab-other-x-vm", "somebodys-vm"]
    return FakeRun(
        {
            (*VIRSH, "list", "--all", "--name"): "\n".join(domains) + "\n",
            (*VIRSH, "desc", "lab-ghost-x-vm"): desc("ghost/x", home_id()),
            (*VIRSH, "desc", "lab-mine-default-vm"): desc("mine/default", home_id()),
            (*VIRSH, "desc", "lab-other-x-vm"): desc("other/x", "000000000000"),
            (*VIRSH, "desc", "somebodys-vm"): "my web server",
            (*VIRSH, "pool-list", "--all", "--name"): "lab-images\nlab-ghost-x\n",
            (*VIRSH, "vol-list", "lab-ghost-x"): " lab-ghost-x-vm-root.qcow2   /pool/lab-ghost-x-vm-root.qcow2\n",
        }
    )


def test_lists_only_what_this_state_root_made_for_an_instance_it_no_longer_has(run: FakeRun) -> None:
    seed_dir().mkdir(parents=True)
    seed = seed_dir() / "lab-ghost-x-vm-seed-0123456789ab.iso"
    seed.write_bytes(b"iso")
    (seed_dir() / "lab-mine-default-vm-seed-0123456789ab.iso").write_bytes(b"iso")
    found = VmBackend(run).orphans({"mine/default"})
    assert [(o["kind"], o["id"]) for o in found] == [
        ("domain", "lab-ghost-x-vm"),
        ("volume", "lab-ghost-x-vm-root.qcow2"),
        ("pool", "lab-ghost-x"),
        ("seed", str(seed)),
    ]
    assert {(o["backend"], o["instance"]) for o in found} == {("vm", "ghost/x")}
    assert not [argv for argv in run.calls if argv[4] not in ("list", "desc", "pool-list", "vol-list")]


def test_removes_the_domain_then_its_volumes_pool_and_seed(run: FakeRun, storage: Path) -> None:
    seed_dir().mkdir(parents=True)
    seed = seed_dir() / "lab-ghost-x-vm-seed-0123456789ab.iso"
    seed.write_bytes(b"iso")
    (storage / "lab-ghost-x").mkdir()
    backend = VmBackend(run)
    found = backend.orphans({"mine/default"})
    run.calls.clear()
    backend.remove_orphans([*found, {"backend": "docker", "kind": "container", "id": "c0ffee", "instance": "a/b"}])
    changes = [argv[4:] for argv in run.calls if argv[4] not in ("list", "desc", "pool-list", "vol-list")]
    assert changes[:3] == [
        ["destroy", "lab-ghost-x-vm"],
        ["undefine", "lab-ghost-x-vm", "--nvram"],
        ["vol-delete", "lab-ghost-x-vm-root.qcow2", "--pool", "lab-ghost-x"],
    ]
    assert changes[-2:] == [["pool-destroy", "lab-ghost-x"], ["pool-undefine", "lab-ghost-x"]]
    assert not seed.exists() and not (storage / "lab-ghost-x").exists()
    assert all(argv[0] == "virsh" for argv in run.calls)  # the docker row is not the vm backend's


def test_nothing_is_listed_without_libvirt(run: FakeRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    assert VmBackend(run).orphans(set()) == [] and run.calls == []
