"""`lab doctor` for VMs: the libvirt probe and the KVM probe, with the command runner replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.backends.vm import accel
from provisioner.backends.vm.backend import VmBackend
from provisioner.backends.vm.libvirt import URI
from tests.unit.backends.fake_run import FakeRun

VERSION = "Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nRunning hypervisor: QEMU 7.2.0\n"


@pytest.fixture(autouse=True)
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_VM_IMAGES", str(tmp_path / "vm-images"))
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("LAB_VM_ACCEL", raising=False)


def test_libvirt_and_tcg_without_kvm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accel.os, "access", lambda *_a: False)
    run = FakeRun({("virsh", "-c", URI, "version"): VERSION})
    (row,) = VmBackend(run).doctor()
    assert row["ok"] and row["detail"].startswith("libvirt 9.0.0, QEMU 7.2.0; guests: TCG")
    assert run.calls == [["virsh", "-c", URI, "version"]]


def test_libvirtd_not_answering_is_an_optional_failure_with_a_fix() -> None:
    run = FakeRun({("virsh", "-c", URI, "version"): (1, "")})
    (row,) = VmBackend(run).doctor()
    assert not row["ok"] and row["optional"] and "libvirtd does not answer" in row["detail"]
    assert "libvirt" in row["fix"]


def test_kvm_is_probed_by_booting_the_kernel_under_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accel.os, "access", lambda *_a: True)
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"kernel")
    qemu = "/usr/bin/qemu-system-x86_64"
    run = FakeRun({(qemu,): "Kernel panic - not syncing: VFS: Unable to mount root fs\n"})
    assert accel.probe_accel(run, kernel)[0] == "kvm"
    base = [qemu, "-accel", "kvm", "-m", "256", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"]
    assert run.calls == [[*base, "-serial", "stdio", "-kernel", str(kernel), "-append", "console=ttyS0 panic=-1"]]
    assert accel.probe_accel(run, kernel)[1].endswith("(probed earlier this boot)")
    assert len(run.calls) == 1
