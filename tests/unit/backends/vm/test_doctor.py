"""`lab doctor` for VMs: the libvirt probe and the KVM probe, with the command runner replaced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.vm import accel
from provisioner.backends.vm.backend import VmBackend
from provisioner.backends.vm.libvirt import URI
from provisioner.core.proc import Result
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
    assert accel.probe_accel(run, kernel)[1].endswith("(decided earlier this boot)")
    assert len(run.calls) == 1


def test_doctor_gives_the_verdict_up_made_and_none_before_a_kernel_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accel.os, "access", lambda *_a: True)
    run = FakeRun({("virsh", "-c", URI, "version"): VERSION})
    (row,) = VmBackend(run).doctor()
    assert "decided by booting the first VM image's kernel" in row["detail"]
    assert run.calls == [["virsh", "-c", URI, "version"]], "no verdict from the firmware alone"
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"kernel")
    up_says = accel.probe_accel(FakeRun({("/usr/bin/qemu-system-x86_64",): (0, "SeaBIOS\n")}), kernel)
    assert up_says[0] == "qemu" and "qemu exited (rc 0) first; last output: 'SeaBIOS'" in up_says[1]
    (row,) = VmBackend(run).doctor()
    assert row["detail"].endswith(f"guests: TCG ({up_says[1]} (decided earlier this boot))")


def test_a_guest_that_hangs_is_tcg_with_its_evidence_and_the_deadline_grows_with_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accel.os, "access", lambda *_a: True)
    monkeypatch.setattr(accel.os, "getloadavg", lambda: (5.0, 5.0, 5.0))
    monkeypatch.setattr(accel.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("LAB_TIMEOUT_SCALE", "2")
    assert accel.probe_deadline() == 100
    monkeypatch.setattr(accel.os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert accel.probe_deadline() == 120, "at most three times the base, whatever the load"
    timeouts: list[float] = []

    def hangs(argv: list[str], **kw: Any) -> Result:
        timeouts.append(kw["timeout"])
        kw["on_line"]("Booting from ROM...")
        return Result(argv, -9, "", "", timed_out=True)

    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"kernel")
    verdict, detail = accel.probe_accel(hangs, kernel)
    assert verdict == "qemu" and "(not within 120 s; last output: 'Booting from ROM...')" in detail
    record = json.loads((tmp_path / "vm-images" / "accel.json").read_text())
    assert timeouts == [120] and record["evidence"]["output"] == ["Booting from ROM..."]
    assert record["evidence"]["deadline"] == 120 and record["evidence"]["load"] == 9.0
