"""The lifecycle is data: a list of named steps run by one loop, each recorded before it acts."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from provisioner.core.report import Reporter, Silent
from provisioner.core.state import InstanceRef, Store

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab


@dataclass
class Options:
    keep: bool = False
    student: str | None = None
    ttl_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Set by a supervisor (smoke, cohort) to stop between steps; the failure path then cleans up.
    cancel: threading.Event | None = None


@dataclass
class Context:
    """Everything a step may use. `lab` is None when tearing down from state alone."""

    ref: InstanceRef
    store: Store
    lab: Lab | None = None
    report: Reporter = field(default_factory=Silent)
    options: Options = field(default_factory=Options)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def require_lab(self) -> Lab:
        assert self.lab is not None, "this step needs the lab definition"
        return self.lab


@dataclass(frozen=True)
class Step:
    name: str
    text: str
    action: Callable[[Context], None]
    # Steps that are cheap to repeat always run; others are skipped once the ledger says done.
    always: bool = True


def run_steps(ctx: Context, steps: list[Step], phase: str) -> None:
    """Run steps in order; the ledger records each start before the action and each end after."""
    done = completed_steps(ctx.store, phase, ctx.run_id)
    for step in steps:
        if phase == "up" and ctx.options.cancel is not None and ctx.options.cancel.is_set():
            raise KeyboardInterrupt
        if step.name in done and not step.always:
            ctx.report.done(step.name, 0.0, skipped=True)
            continue
        ctx.store.record("step-start", phase=phase, step=step.name, run=ctx.run_id)
        ctx.report.step(step.name, step.text)
        started = time.monotonic()
        try:
            step.action(ctx)
        except BaseException as exc:
            ctx.store.record("step-failed", phase=phase, step=step.name, run=ctx.run_id, error=type(exc).__name__)
            raise
        ctx.store.record("step-done", phase=phase, step=step.name, run=ctx.run_id)
        ctx.report.done(step.name, time.monotonic() - started)


def completed_steps(store: Store, phase: str, run_id: str) -> set[str]:
    return {
        e["step"]
        for e in store.ledger()
        if e.get("event") == "step-done" and e.get("phase") == phase and e.get("run") == run_id
    }
