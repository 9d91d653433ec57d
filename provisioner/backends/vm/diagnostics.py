"""What a diagnostics bundle holds of an instance's VMs: libvirt's view and the console logs."""

from __future__ import annotations

import shutil
from pathlib import Path

from provisioner.backends.common.diagnostics import save
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import console_log, virsh
from provisioner.backends.vm.orphans import domains_of
from provisioner.backends.vm.shell import ssh_argv
from provisioner.lifecycle.steps import Context

CONSOLE_TAIL = 64 * 1024  # the end of a boot log says why it stopped
# The guest's own view, where SSH lets us in: what failed, what it is short of, who may log in.
GUEST_VIEW = (
    "uptime; free -m; systemctl --failed --no-legend; systemctl list-jobs --no-legend | head -20; "
    "ls -l /run/nologin 2>&1; sudo -n journalctl -b --no-pager -n 200 2>&1"
)


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
    for host in ctx.store.load().hosts:
        save(dest / f"{host}-ssh.log", ssh_probe(run, ctx, host))


def ssh_probe(run: Runner, ctx: Context, host: str) -> str:
    """One SSH login with the client's verbose log, then the guest's view: a refused or dropped
    connection says where in the handshake it stopped, which the checks' quiet SSH does not."""
    argv = ssh_argv(ctx, host, ["sh", "-c", GUEST_VIEW], connect_timeout=20)
    result = run([*argv[:1], "-v", *argv[1:]], check=False, timeout=60)
    return f"$ ssh -v ... (exit {result.returncode})\n{result.stdout}\n--- ssh -v ---\n{result.stderr_tail}"
