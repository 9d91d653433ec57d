"""What a diagnostics bundle holds of an instance's VMs: libvirt's view and the console logs."""

from __future__ import annotations

import shutil
from pathlib import Path

from provisioner.backends.common.diagnostics import save
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import console_log, virsh
from provisioner.backends.vm.orphans import domains_of
from provisioner.lifecycle.steps import Context

CONSOLE_TAIL = 64 * 1024  # the end of a boot log says why it stopped


def collect(run: Runner, ctx: Context, dest: Path) -> None:
    """Each domain's state, info and console log (the guest's kernel and cloud-init output)."""
    if not shutil.which("virsh"):
        return
    for domain in domains_of(run, ctx.name, ctx.ref.key):
        info = virsh(run, "dominfo", domain, check=False)
        save(dest / f"{domain}.dominfo.txt", info)
        try:
            text = console_log(domain).read_text(errors="replace")[-CONSOLE_TAIL:]
        except OSError as exc:
            text = f"(no console log: {exc})\n"
        save(dest / f"{domain}-console.log", text)
