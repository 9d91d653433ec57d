"""The vm backend's cloud-init seeds, without libvirt: the Terraform module opens no libvirt stream
(the provider's libvirt client can deadlock on one, hanging plan, apply and destroy for good), the
backend writes each VM's seed ISO itself, and old instances' streamed seeds are dropped before
Terraform refreshes them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from provisioner.backends.vm import seed
from provisioner.backends.vm.libvirt import URI, seed_dir
from provisioner.core import paths, proc
from tests.unit.backends.fake_run import FakeRun

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvP9Jc0nkWqUO2Qd0d3ZmFrZWtleWZvcnRlc3Rz lab-test"
# Provider resources whose Create or Read moves data over a libvirt stream (volume upload or
# download): libvirt_cloudinit_disk downloads its ISO on every refresh.
STREAMING = {"libvirt_cloudinit_disk", "libvirt_ignition", "libvirt_combustion"}


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
    files = seed.seed_files("lab-vmunit-default", "web", KEY)
    assert files["user-data"].startswith("#cloud-config\n")
    config = yaml.safe_load(files["user-data"])
    assert config["hostname"] == "web" and config["ssh_pwauth"] is False and config["disable_root"] is True
    (user,) = config["users"]
    assert user["name"] == "learner" and user["ssh_authorized_keys"] == [KEY] and user["lock_passwd"] is True
    assert user["sudo"] == "ALL=(ALL) NOPASSWD:ALL" and user["groups"] == ["sudo", "adm"]
    meta = yaml.safe_load(files["meta-data"])
    assert meta == {"instance-id": "lab-vmunit-default-web", "local-hostname": "web"}


@pytest.mark.skipif(not seed.iso_tool(), reason="needs mkisofs or genisoimage (scripts/install-libvirt)")
def test_write_seed_makes_a_cidata_iso_once_and_a_new_one_when_the_content_changes(storage: Path) -> None:
    iso = seed.write_seed(proc.run, "lab-vmunit-default", "web", KEY)
    assert iso.parent == seed_dir() and iso.name.startswith("lab-vmunit-default-web-seed-")
    assert iso.suffix == ".iso"  # the provider attaches *.iso files as CD-ROMs
    data = iso.read_bytes()
    assert data[0x8000:0x8006] == b"\x01CD001"  # ISO 9660 primary volume descriptor
    assert data[0x8028 : 0x8028 + 32].decode().strip() == "cidata"  # NoCloud finds its seed by this label
    for text in seed.seed_files("lab-vmunit-default", "web", KEY).values():
        assert text.encode() in data
    assert iso.stat().st_mode & 0o777 == 0o644 and seed_dir().stat().st_mode & 0o777 == 0o755
    made = iso.stat().st_mtime_ns
    assert seed.write_seed(proc.run, "lab-vmunit-default", "web", KEY) == iso and iso.stat().st_mtime_ns == made
    other = seed.write_seed(proc.run, "lab-vmunit-default", "web", KEY.replace("lab-test", "other"))
    assert other != iso and other.is_file()
    assert [p.name for p in seed_dir().iterdir() if p.name.startswith(".")] == []


def tfstate(workdir: Path, resources: list[dict[str, Any]]) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "terraform.tfstate").write_text(json.dumps({"version": 4, "resources": resources}))


def test_streamed_seeds_of_an_old_instance_are_deleted_before_terraform_refreshes_them(tmp_path: Path) -> None:
    run = FakeRun()
    seed.drop_streamed_seeds(run, tmp_path / "none")  # no state: nothing to do
    iso = "/var/lib/libvirt/images/lab/lab-x-default/lab-x-default-vm-seed.iso"
    tfstate(
        tmp_path / "old",
        [
            {"type": "libvirt_pool", "instances": [{"attributes": {"id": "0b7c"}}]},
            {"type": "libvirt_volume", "instances": [{"attributes": {"id": "/pool/root.qcow2"}}]},
            {"type": "libvirt_cloudinit_disk", "instances": [{"attributes": {"id": f"{iso};5e0d-11"}}]},
        ],
    )
    seed.drop_streamed_seeds(run, tmp_path / "old")
    assert run.calls == [["virsh", "-q", "-c", URI, "vol-delete", iso]]
    run.calls.clear()
    tfstate(tmp_path / "new", [{"type": "libvirt_domain", "instances": [{"attributes": {"id": "u"}}]}])
    seed.drop_streamed_seeds(run, tmp_path / "new")
    assert run.calls == []
