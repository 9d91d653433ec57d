"""KVM or TCG: KVM only where a guest really boots under it, decided once per host boot.

The probe boots the VM image's own kernel under KVM without a root disk: it panics at once, and
that line on its serial console is the proof. The verdict is kept (with its evidence: time,
deadline, load, output) for the rest of the boot, so `lab doctor` and `lab up` never give two
answers; before any image (and so any kernel) exists, doctor says nothing is decided yet."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.images import image_cache
from provisioner.core import deadlines

PROOF = ("Kernel panic", "VFS: Unable to mount root")
# On an idle machine the kernel panics within a second or two under KVM; a loaded one gets more.
BASE_DEADLINE = 20.0


def probe_argv(qemu: str, kernel: Path) -> list[str]:
    base = [qemu, "-accel", "kvm", "-m", "256", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"]
    return [*base, "-serial", "stdio", "-kernel", str(kernel), "-append", "console=ttyS0 panic=-1"]


def probe_deadline() -> float:
    """BASE_DEADLINE, times the load per CPU (1 to 3: a guest that hangs costs this much of the
    first `up`), times LAB_TIMEOUT_SCALE."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return BASE_DEADLINE * min(3.0, max(1.0, load)) * deadlines.scale()


def forced() -> tuple[str, str] | None:
    """LAB_VM_ACCEL=kvm|qemu, or no usable /dev/kvm: no probe needed."""
    value = os.environ.get("LAB_VM_ACCEL")
    if value in ("kvm", "qemu"):
        return value, f"forced by LAB_VM_ACCEL={value}"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "qemu", "no usable /dev/kvm: TCG (software emulation)"
    return None


def cached() -> tuple[str, str] | None:
    """This boot's verdict, if a probe already ran."""
    with contextlib.suppress(OSError, ValueError, KeyError):
        record = json.loads(_cache().read_text())
        if record.get("boot") == _boot_id():
            return str(record["accel"]), str(record["detail"]) + " (decided earlier this boot)"
    return None


def probe_accel(run: Runner, kernel: Path) -> tuple[str, str]:
    """('kvm'|'qemu', why): forced, else this boot's verdict, else boot `kernel` under KVM."""
    decided = forced() or cached()
    if decided:
        return decided
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "qemu", "no qemu-system-x86_64 to probe KVM with: TCG"
    accel, detail, evidence = _probe(run, qemu, kernel, probe_deadline())
    with contextlib.suppress(OSError):
        _cache().parent.mkdir(parents=True, exist_ok=True)
        _cache().write_text(json.dumps({"boot": _boot_id(), "accel": accel, "detail": detail, "evidence": evidence}))
    return accel, detail


def _probe(run: Runner, qemu: str, kernel: Path, deadline: float) -> tuple[str, str, dict[str, Any]]:
    started, seen = time.monotonic(), list[str]()
    result = run(probe_argv(qemu, kernel), check=False, timeout=deadline, on_line=seen.append)
    took = time.monotonic() - started
    tail = [s.strip() for s in seen if s.strip()][-3:]
    evidence = {"seconds": round(took, 1), "deadline": round(deadline), "load": os.getloadavg()[0], "output": tail}
    if any(p in line for line in seen for p in PROOF):
        return "kvm", f"KVM works: the image's kernel booted under KVM in {took:.1f} s", evidence
    how = f"not within {deadline:.0f} s" if result.timed_out else f"qemu exited (rc {result.returncode}) first"
    last = tail[-1][:80] if tail else "nothing"
    return "qemu", f"KVM present but a guest did not boot under it ({how}; last output: {last!r}): TCG", evidence


def _cache() -> Path:
    return image_cache() / "accel.json"


def _boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return ""
