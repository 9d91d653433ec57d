"""Ports on 127.0.0.1 for an instance's components, taken just before Terraform binds them."""

from __future__ import annotations

from provisioner.core import ports
from provisioner.core.errors import InfraError
from provisioner.lifecycle.steps import Context, Produced


def allocate(ctx: Context, fresh: bool) -> Produced:
    """Allocate (or keep) the instance's ports; on a fresh instance every one must be free now,
    since another state root's sandbox or another process may have taken it since allocation."""
    names = [p.name for c in ctx.require_lab().sandbox.components for p in c.ports]
    allocated = ports.allocate(ctx.ref.key, names)
    if fresh:
        for name, port in allocated.items():
            if not ports.is_free(port):
                owner = ports.owner_of(port) or "an unknown process"
                raise InfraError(
                    f"port 127.0.0.1:{port} for {name!r} is taken by {owner}",
                    "stop that process, or run `lab down` then `lab up` to pick new ports",
                )
    return {"ports": allocated}


def release(ctx: Context) -> None:
    """Give the instance's ports back to the table (the `ports` down step)."""
    ports.release(ctx.ref.key)
