"""KVM or TCG: KVM only where a guest really boots under it, probed once per host boot."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.images import image_cache


def _boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return ""


def probe_argv(qemu: str, kernel: Path | None) -> tuple[list[str], tuple[str, str], str]:
    """The probe's argv, the output lines that prove a guest ran, and what that proves."""
    base = [qemu, "-accel", "kvm", "-m", "256", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"]
    if kernel:
        argv = [*base, "-serial", "stdio", "-kernel", str(kernel), "-append", "console=ttyS0 panic=-1"]
        return argv, ("Kernel panic", "VFS: Unable to mount root"), "a kernel booted"
    argv = [*base, "-serial", "none", "-debugcon", "stdio", "-global", "isa-debugcon.iobase=0x402"]
    return argv, ("Booting from", "No bootable device"), "the firmware ran (kernel untested)"


def probe_accel(run: Runner, kernel: Path | None = None, timeout: float = 20) -> tuple[str, str]:
    """('kvm'|'qemu', why). KVM only if a guest really runs under it: on some hosts KVM_CREATE_VM
    works but a guest hangs, so boot the image's kernel (it panics without a root disk: that
    line is the proof) or, without a kernel, the firmware, each under a timeout."""
    forced = os.environ.get("LAB_VM_ACCEL")
    if forced in ("kvm", "qemu"):
        return forced, f"forced by LAB_VM_ACCEL={forced}"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "qemu", "no usable /dev/kvm: TCG (software emulation)"
    # Once per host boot: a kernel probe answers for any kernel; a firmware probe only until a
    # kernel can be probed.
    cache = image_cache() / "accel.json"
    has_kernel = bool(kernel and kernel.is_file())
    key = f"{_boot_id()}:{'kernel' if has_kernel else 'firmware'}"
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(cache.read_text())
        if cached.get("key") in (key, f"{_boot_id()}:kernel"):
            return str(cached["accel"]), str(cached["detail"]) + " (probed earlier this boot)"
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "qemu", "no qemu-system-x86_64 to probe KVM with"
    accel, detail = _probe(run, qemu, kernel if has_kernel else None, timeout)
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "accel": accel, "detail": detail}))
    return accel, detail


def _probe(run: Runner, qemu: str, kernel: Path | None, timeout: float) -> tuple[str, str]:
    argv, proof, what = probe_argv(qemu, kernel)
    started = time.monotonic()
    seen: list[str] = []
    result = run(argv, check=False, timeout=timeout, on_line=seen.append)
    took = time.monotonic() - started
    output = "\n".join(seen)
    if any(p in output for p in proof):
        return "kvm", f"KVM works: {what} under KVM in {took:.1f} s"
    last = next((s.strip() for s in reversed(seen) if s.strip()), "nothing")
    detail = f"KVM present but a guest did not boot under it in {took:.0f} s (rc {result.returncode}, "
    return "qemu", detail + f"last output: {last[:80]!r}): TCG"
