"""The vm backend's cloud-init seeds, without libvirt: the Terraform module opens no libvirt stream
(the provider's libvirt client can deadlock on one, hanging plan, apply and destroy for good), the
backend writes each VM's seed ISO itself, and old instances' streamed seeds are dropped before
Terraform refreshes them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from provisioner.backends.vm import backend as vm
from provisioner.core import paths
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions.model import Lab
from provisioner.lifecycle.steps import Context

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvP9Jc0nkWqUO2Qd0d3ZmFrZWtleWZvcnRlc3Rz lab-test"
LAB: dict[str, Any] = {
    "id": "vmunit",
    "title": "VM unit",
    "kind": "test",
    "hours": 0.1,
    "description": "Two VMs.",
    "offline": "Offline.",
    "sandbox": {
        "backend": "vm",
        "components": [
            {"name": name, "type": "vm", "image": "vm-base", "ports": [{"name": f"ssh-{name}", "port": 22}]}
            for name in ("web", "db")
        ],
    },
    "provision": {"terraform": "vm"},
    "access": "ssh",
}
# Provider resources whose Create or Read moves data over a libvirt stream (volume upload or
# download): libvirt_cloudinit_disk downloads its ISO on every refresh.
STREAMING = {"libvirt_cloudinit_disk", "libvirt_ignition", "libvirt_combustion"}


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "storage"
    monkeypatch.setenv("LAB_VM_STORAGE", str(root))
    return root


def test_the_vm_module_uses_no_provider_resource_that_streams() -> None:
    main = (paths.TERRAFORM_DIR / "vm" / "main.tf").read_text()
    types = set(re.findall(r'^resource\s+"([a-z0-9_]+)"', main, re.M))
    assert types == {"libvirt_pool", "libvirt_volume", "libvirt_domain"}
    assert not types & STREAMING
    # A libvirt_volume with `source` uploads that file through a stream when it is made.
    volumes = re.findall(r'^resource\s+"libvirt_volume"[^\n]*\{\n(.*?)^\}', main, re.M | re.S)
    assert volumes and not any(re.search(r"^\s*source\s*=", v, re.M) for v in volumes)
    assert re.search(r"^\s*file\s*=\s*each\.value\.seed\s*$", main, re.M), "the seed is a plain file disk"


def test_seed_files_are_the_learner_with_the_instance_key_and_the_hostname() -> None:
    files = vm.seed_files("lab-vmunit-default", "web", KEY)
    assert files["user-data"].startswith("#cloud-config\n")
    config = yaml.safe_load(files["user-data"])
    assert config["hostname"] == "web" and config["ssh_pwauth"] is False and config["disable_root"] is True
    (user,) = config["users"]
    assert user["name"] == "learner" and user["ssh_authorized_keys"] == [KEY] and user["lock_passwd"] is True
    assert user["sudo"] == "ALL=(ALL) NOPASSWD:ALL" and user["groups"] == ["sudo", "adm"]
    meta = yaml.safe_load(files["meta-data"])
    assert meta == {"instance-id": "lab-vmunit-default-web", "local-hostname": "web"}


@pytest.mark.skipif(not vm.iso_tool(), reason="needs mkisofs or genisoimage (scripts/install-libvirt)")
def test_write_seed_makes_a_cidata_iso_once_and_a_new_one_when_the_content_changes(storage: Path) -> None:
    seed = vm.write_seed("lab-vmunit-default", "web", KEY)
    assert seed.parent == vm.seed_dir() and seed.name.startswith("lab-vmunit-default-web-seed-")
    assert seed.suffix == ".iso"  # the provider attaches *.iso files as CD-ROMs
    data = seed.read_bytes()
    assert data[0x8000:0x8006] == b"\x01CD001"  # ISO 9660 primary volume descriptor
    assert data[0x8028 : 0x8028 + 32].decode().strip() == "cidata"  # NoCloud finds its seed by this label
    for text in vm.seed_files("lab-vmunit-default", "web", KEY).values():
        assert text.encode() in data
    assert seed.stat().st_mode & 0o777 == 0o644 and vm.seed_dir().stat().st_mode & 0o777 == 0o755
    made = seed.stat().st_mtime_ns
    assert vm.write_seed("lab-vmunit-default", "web", KEY) == seed and seed.stat().st_mtime_ns == made
    other = vm.write_seed("lab-vmunit-default", "web", KEY.replace("lab-test", "other"))
    assert other != seed and other.is_file()
    assert [p.name for p in vm.seed_dir().iterdir() if p.name.startswith(".")] == []


def tfstate(workdir: Path, resources: list[dict[str, Any]]) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "terraform.tfstate").write_text(json.dumps({"version": 4, "resources": resources}))


def test_streamed_seeds_of_an_old_instance_are_deleted_before_terraform_refreshes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(vm, "virsh", lambda *args, **_kw: calls.append(args) or "")
    vm.drop_streamed_seeds(tmp_path / "none")  # no state: nothing to do
    seed = "/var/lib/libvirt/images/lab/lab-x-default/lab-x-default-vm-seed.iso"
    tfstate(
        tmp_path / "old",
        [
            {"type": "libvirt_pool", "instances": [{"attributes": {"id": "0b7c"}}]},
            {"type": "libvirt_volume", "instances": [{"attributes": {"id": "/pool/root.qcow2"}}]},
            {"type": "libvirt_cloudinit_disk", "instances": [{"attributes": {"id": f"{seed};5e0d-11"}}]},
        ],
    )
    vm.drop_streamed_seeds(tmp_path / "old")
    assert calls == [("vol-delete", seed)]
    calls.clear()
    tfstate(tmp_path / "new", [{"type": "libvirt_domain", "instances": [{"attributes": {"id": "u"}}]}])
    vm.drop_streamed_seeds(tmp_path / "new")
    assert calls == []


def test_sweep_removes_this_instances_seeds_and_no_one_elses(
    tmp_path: Path, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(shutil, "which", lambda _name: None)  # no libvirt: files only
    monkeypatch.setattr(vm, "run", lambda *_a, **_kw: None)
    vm.seed_dir().mkdir(parents=True)
    mine = [vm.seed_dir() / f"lab-vmunit-default-{c}-seed-0123456789ab.iso" for c in ("web", "db")]
    others = [vm.seed_dir() / n for n in ("lab-vmunit-default2-web-seed-0123456789ab.iso", "lab-mod-002-x.iso")]
    for path in mine + others:
        path.write_bytes(b"iso")
    ref = InstanceRef("vmunit")
    ctx = Context(ref, Store(ref), Lab.model_validate(LAB))
    ctx.store.update(seeds={"web": str(mine[0])})
    vm.VmBackend().sweep(ctx)
    assert [p for p in mine if p.exists()] == []
    assert all(p.exists() for p in others)


def test_ports_are_allocated_just_before_terraform_starts_the_vms() -> None:
    """Ports are free when allocated, but another state root may take one later: keep the image
    build (minutes) out of that window."""
    names = [s.name for s in vm.VmBackend().up_steps()]
    assert names.index("image") < names.index("seed") < names.index("ports")
    assert names[names.index("ports") :][:4] == ["ports", "render", "init", "apply"]
