"""Which of an instance's hosts a command is for (`lab shell --host`)."""

from __future__ import annotations

from provisioner.core.errors import UsageError
from provisioner.lifecycle.steps import Context


def pick_host(ctx: Context, host: str | None, noun: str) -> str:
    """`host`, else the instance's first; a UsageError when none runs or it has no such host."""
    hosts = list(ctx.store.load().hosts)
    where = f"{ctx.ref.lab} ({ctx.ref.instance})"
    if not hosts:
        raise UsageError(f"{where} has no running {noun}", f"run `lab up {ctx.ref.lab}` first")
    name = host or hosts[0]
    if name not in hosts:
        raise UsageError(f"{where} has no {noun} {name!r}: it has {', '.join(hosts)}")
    return name
