"""The lifecycle is data: a list of named steps run by one loop, each recorded before it acts."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from provisioner.core import naming
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import InstanceRef, Store

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab


@dataclass(frozen=True)
class Target:
    """Where `up` places a lab's sandbox when not on its own backend: a backend by name (the
    registry knows which take which labs) and the cluster to reach it with."""

    name: str
    kubeconfig: str  # absolute: later commands run from anywhere
    context: str | None = None


@dataclass
class Options:
    keep: bool = False
    student: str | None = None
    ttl_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None  # None: the lab's own backend, or the one its state records
    # Set by a supervisor (smoke, cohort) to stop between steps; the failure path then cleans up.
    cancel: threading.Event | None = None


@dataclass
class Context:
    """Everything a step may use, loaded once per command. `lab` is None when tearing down from
    state alone; `backend` is None only where no step runs (e.g. a preflight of its own)."""

    ref: InstanceRef
    store: Store
    lab: Lab | None = None
    backend: Driver | None = None
    report: Reporter = field(default_factory=Silent)
    options: Options = field(default_factory=Options)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def name(self) -> str:
        """Prefix of this instance's resource names: the one recorded when it was first made, so
        a later version of lab never renames (and so loses) a sandbox."""
        return self.store.load().name or naming.resource_name(self.ref.lab, self.ref.instance)

    def require_lab(self) -> Lab:
        assert self.lab is not None, "this step needs the lab definition"
        return self.lab

    def require_backend(self) -> Driver:
        assert self.backend is not None, "this needs the instance's backend"
        return self.backend


class Driver(Protocol):
    """What the lifecycle asks of a backend; backends/base.py's Backend is the one implementation
    (a protocol here, so this module needs nothing from backends/)."""

    name: str

    def preflight(self, ctx: Context) -> None: ...
    def up_steps(self) -> list[Step]: ...
    def after_ready_steps(self) -> list[Step]: ...
    def down_steps(self) -> list[Step]: ...
    def reset_steps(self) -> list[Step]: ...
    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]: ...
    def unavailable_components(self, ctx: Context) -> dict[str, str]: ...
    def machine_env(self, ctx: Context) -> dict[str, str]: ...
    def endpoint_tunnels(self, ctx: Context) -> AbstractContextManager[dict[str, str]]: ...


# What a step produces, by InstanceState field name (e.g. {"ports": {...}}); the loop records it.
Produced = Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    """One idempotent action: a run after a crash repeats every step, each safe to repeat."""

    name: str
    text: str
    action: Callable[[Context], Produced | None]


def run_steps(ctx: Context, steps: list[Step], phase: str) -> None:
    """Run steps in order; the ledger records each start before the action and each end after,
    and what a step returns goes into the instance's state before the next one starts."""
    for step in steps:
        if phase == "up" and ctx.options.cancel is not None and ctx.options.cancel.is_set():
            raise KeyboardInterrupt
        ctx.store.record("step-start", phase=phase, step=step.name, run=ctx.run_id)
        ctx.report.step(step.name, step.text)
        started = time.monotonic()
        try:
            produced = step.action(ctx)
        except BaseException as exc:
            ctx.store.record("step-failed", phase=phase, step=step.name, run=ctx.run_id, error=type(exc).__name__)
            raise
        if produced:
            ctx.store.update(**produced)
        ctx.store.record("step-done", phase=phase, step=step.name, run=ctx.run_id)
        ctx.report.done(step.name, time.monotonic() - started)
