"""The `boot` step: wait until every VM answers SSH and cloud-init has finished."""

from __future__ import annotations

import os
import shlex
import time
from typing import Any

from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import console_tail, virsh
from provisioner.backends.vm.shell import ssh_argv
from provisioner.core.errors import InfraError
from provisioner.lifecycle.steps import Context, Produced


def wait_ssh(run: Runner, ctx: Context) -> Produced:
    """Until every VM runs a command over SSH and cloud-init has finished; fail fast if one stops."""
    timeout = float(os.environ.get("LAB_VM_BOOT_TIMEOUT", "600"))
    hosts = ctx.store.load().hosts
    started = time.monotonic()
    timings = {}
    for host, hv in hosts.items():
        _until_ssh(run, ctx, host, hv, started, timeout)
        timings[host] = round(time.monotonic() - started, 1)
        ctx.report.info(f"{host}: SSH answered after {timings[host]} s")
        _cloud_init(run, ctx, host, timeout)
    commands = {h: shlex.join(ssh_argv(ctx, h, tty=True)) for h in hosts}
    return {"ssh_ready_seconds": timings, "ssh_ready_at": time.time(), "ssh_command": commands}


def _until_ssh(run: Runner, ctx: Context, host: str, hv: dict[str, Any], started: float, timeout: float) -> None:
    last_note = 0.0
    while run(ssh_argv(ctx, host, ["true"], connect_timeout=5), check=False, timeout=20).returncode != 0:
        waited = time.monotonic() - started
        state = virsh(run, "domstate", hv["domain"], check=False).strip()
        if state and state not in ("running", "in shutdown"):
            raise InfraError(
                f"VM {hv['domain']} is {state} before SSH answered; console: {console_tail(hv['domain'])}",
                "run `lab up` again with --keep --debug and read the console log",
            )
        if waited > timeout:
            raise InfraError(
                f"VM {hv['domain']} did not answer SSH on 127.0.0.1:{hv['ssh_port']} in {timeout:.0f} s; "
                f"console: {console_tail(hv['domain'])}",
                "a slow machine (TCG): set LAB_VM_BOOT_TIMEOUT; else --keep --debug and `virsh console`",
            )
        if waited - last_note >= 15:
            ctx.report.info(f"{host}: no SSH yet after {waited:.0f} s ({state or '?'})")
            last_note = waited
        time.sleep(2)


def _cloud_init(run: Runner, ctx: Context, host: str, timeout: float) -> None:
    done = run(ssh_argv(ctx, host, ["cloud-init", "status", "--wait"]), check=False, timeout=max(60, timeout))
    if done.returncode not in (0, 2):  # 2: finished with recoverable warnings
        raise InfraError(
            f"cloud-init failed on {host}: {(done.stdout + done.stderr_tail).strip()[-200:]}",
            f"`lab shell {ctx.ref.lab}` then `sudo cloud-init status --long`",
        )
