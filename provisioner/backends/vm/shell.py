"""SSH into an instance's VMs as the learner: `lab shell`, checks, solutions and Ansible."""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path
from typing import Any

from provisioner import TOOL
from provisioner.backends.common.runner import Runner
from provisioner.core.errors import UsageError
from provisioner.lifecycle.steps import Context, Produced

SSH_USER = "learner"
SSH_OPTIONS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
    "-o", "IdentitiesOnly=yes",
]  # fmt: skip


def control_dir() -> Path:
    """Sockets of shared SSH connections: short (a socket path has ~100 bytes), private."""
    path = Path(tempfile.gettempdir()) / f"lab-ssh-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return path


def key_file(ctx: Context) -> Path:
    """The instance's private SSH key (made by the `key` step)."""
    return ctx.store.path("ssh", "id_ed25519")


def ensure_key(run: Runner, ctx: Context) -> Produced:
    """The instance's own SSH key pair, made once."""
    key = key_file(ctx)
    if not (key.is_file() and key.with_suffix(".pub").is_file()):
        key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key.unlink(missing_ok=True)
        key.with_suffix(".pub").unlink(missing_ok=True)
        comment = f"{TOOL}-{ctx.name}"
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)], timeout=30)
    key.chmod(0o600)
    return {"ssh_key": str(key)}


def ssh_argv(
    ctx: Context,
    host: str,
    remote: list[str] | None = None,
    *,
    tty: bool = False,
    connect_timeout: int = 10,
    multiplex: bool = False,
) -> list[str]:
    """ssh to the VM as the learner; `remote` is sent as ONE shell-quoted argument. With
    `multiplex`, commands share one connection for a minute (a new SSH handshake costs a
    TCG guest about 2 s; checks run dozens of commands)."""
    hv = ctx.store.load().hosts.get(host)
    if not hv:
        raise UsageError(f"{ctx.ref.key} has no VM {host!r}")
    argv = ["ssh", "-i", str(key_file(ctx)), "-p", str(hv["ssh_port"]), *SSH_OPTIONS]
    argv += ["-o", f"ConnectTimeout={connect_timeout}", "-o", "ServerAliveInterval=15"]
    if multiplex:
        argv += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_dir()}/%C", "-o", "ControlPersist=60"]
    argv += ["-t"] if tty else ["-o", "BatchMode=yes", "-T"]
    argv.append(f"{hv.get('ssh_user', SSH_USER)}@{hv.get('ssh_host', '127.0.0.1')}")
    if remote:
        argv.append(shlex.join(remote))
    return argv


def connection(ctx: Context, hostvars: dict[str, Any]) -> dict[str, Any]:
    """Ansible's connection variables for one VM."""
    return {
        "ansible_connection": "ssh",
        "ansible_host": hostvars.get("ssh_host", "127.0.0.1"),
        "ansible_port": hostvars["ssh_port"],
        "ansible_user": hostvars.get("ssh_user", SSH_USER),
        "ansible_ssh_private_key_file": str(key_file(ctx)),
        "ansible_ssh_common_args": " ".join(SSH_OPTIONS),
        "ansible_become": True,
        "ansible_python_interpreter": "/usr/bin/python3",
    }


def close_shared(run: Runner, hosts: dict[str, Any]) -> None:
    """End the shared SSH connections of these VMs, if any."""
    for hv in hosts.values():
        target = [f"{hv.get('ssh_user', SSH_USER)}@127.0.0.1", "-p", str(hv.get("ssh_port", 22))]
        run(["ssh", "-o", f"ControlPath={control_dir()}/%C", "-O", "exit", *target], check=False, timeout=10)
