"""`lab reset`: a made sandbox back to how `up` left it, keeping its ports, secrets and network.

The backend's reset steps make again what holds the learner's changes (containers and volumes)
from the same images, configure them as `up` did and wait for the readiness checks. A failed
reset keeps what exists: `lab up` finishes it, `lab down` removes it."""

from __future__ import annotations

import time

from provisioner import backends
from provisioner.checks.runner import CheckResult
from provisioner.core import redact
from provisioner.core.errors import BackendUnavailable, InfraError, LabError, UsageError
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import Store, instance_ref
from provisioner.definitions import catalog
from provisioner.lifecycle.steps import Context, Options, Step, run_steps
from provisioner.lifecycle.up import Ready, UpResult, definition_hash, record_failure, result


def reset(lab_id: str, instance: str = "default", report: Reporter | None = None) -> UpResult:
    started = time.monotonic()
    lab = catalog.load(lab_id)
    ref = instance_ref(lab_id, instance)
    ctx = Context(ref, Store(ref), lab, backends.get(lab.sandbox.backend), report or Silent(), Options())
    _require_made(ctx)  # before the lock too, which would leave a folder for a mistyped instance
    with ctx.store.lock("up"), redact.run():
        redact.register(*ctx.store.secrets().values())
        _require_made(ctx)
        steps = ctx.require_backend().reset_steps()
        if not steps:
            raise BackendUnavailable(
                f"lab reset cannot reset sandboxes of the {lab.sandbox.backend} backend ({lab_id})",
                f"start over with `lab down {lab_id}` then `lab up {lab_id}`",
            )
        ctx.require_backend().preflight(ctx)
        return result(ctx, _run(ctx, steps), started, noop=False)


def _run(ctx: Context, steps: list[Step]) -> list[CheckResult]:
    ready = Ready()
    ctx.store.record("begin", action="reset", backend=ctx.require_backend().name, run=ctx.run_id)
    ctx.store.update(status="creating", run_id=ctx.run_id, definition=definition_hash(ctx.require_lab()))
    try:
        run_steps(ctx, [*steps, ready.step()], "reset")
    except BaseException as exc:
        record_failure(ctx, exc)
        if isinstance(exc, LabError) and not exc.fix:
            exc.fix = f"`lab up {ctx.ref.lab}` finishes the sandbox, `lab down {ctx.ref.lab}` removes it"
        raise
    return ready.results


def _require_made(ctx: Context) -> None:
    state = ctx.store.load()
    if state.status in (None, "failed-removed", "destroying") or not state.hosts:
        raise UsageError(
            f"no sandbox of {ctx.ref.lab} (instance {ctx.ref.instance}) to reset",
            f"make one with `lab up {ctx.ref.lab}`",
        )
    if state.backend != ctx.require_lab().sandbox.backend:
        raise InfraError(
            f"the sandbox was made by the {state.backend} backend, the lab now uses another",
            f"start over with `lab down {ctx.ref.lab}` then `lab up {ctx.ref.lab}`",
        )
