"""`lab doctor` for the vm backend: libvirt answering, and whether guests get KVM or TCG."""

from __future__ import annotations

from provisioner.backends.common.engine import can_fix
from provisioner.backends.common.findings import Finding, finding
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm import accel
from provisioner.backends.vm.images import image_cache
from provisioner.backends.vm.libvirt import libvirt_version
from provisioner.core import paths
from provisioner.core.errors import LabError


def libvirt(run: Runner) -> Finding:
    """libvirt's version and the guests' accelerator (probed under a timeout); optional, since
    only VM labs need it."""
    try:
        version = libvirt_version(run)
    except LabError as exc:
        return finding("vm", False, exc.message, exc.fix or "", optional=True)
    return finding("vm", True, f"{version}; guests: {_guests(run)}")


def _guests(run: Runner) -> str:
    """The same verdict `lab up` uses; without an image there is no kernel to decide with yet."""
    kernels = sorted(image_cache().glob("*/vmlinuz"), key=lambda p: p.stat().st_mtime)
    decided = accel.probe_accel(run, kernels[-1]) if kernels else (accel.forced() or accel.cached())
    if decided is None:
        return "KVM or TCG is decided by booting the first VM image's kernel under KVM (`lab images build mod-002`)"
    return f"{'KVM' if decided[0] == 'kvm' else 'TCG'} ({decided[1]})"


def findings(run: Runner, fix: bool) -> list[Finding]:
    """With `fix` (root on Debian/Ubuntu), install libvirt and QEMU and start them if missing."""
    row = libvirt(run)
    if fix and can_fix() and not row["ok"]:
        run(["bash", str(paths.SCRIPTS_DIR / "install-libvirt")], check=False, timeout=900)
        row = libvirt(run)
    return [row]
