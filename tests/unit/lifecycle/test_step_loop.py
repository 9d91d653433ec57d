"""The one step loop: the ledger brackets each step, and what a step returns goes into state."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle.steps import Context, Options, Produced, Step, run_steps


def context() -> Context:
    ref = InstanceRef("testlab")
    return Context(ref, Store(ref))


def events(ctx: Context) -> list[tuple[str, str]]:
    return [(e["event"], e["step"]) for e in ctx.store.ledger() if "step" in e]


def test_what_a_step_returns_is_recorded_before_the_next_step_runs(lab_home: Path) -> None:
    ctx = context()
    seen: list[dict[str, int]] = []

    def ports(ctx: Context) -> Produced:
        return {"ports": {"web": 27100}}

    def render(ctx: Context) -> None:
        seen.append(ctx.store.load().ports)

    run_steps(ctx, [Step("ports", "allocating ports", ports), Step("render", "rendering", render)], "up")
    assert seen == [{"web": 27100}]
    assert events(ctx) == [
        ("step-start", "ports"),
        ("step-done", "ports"),
        ("step-start", "render"),
        ("step-done", "render"),
    ]


def test_a_failed_step_is_recorded_and_stops_the_loop(lab_home: Path) -> None:
    ctx = context()

    def boom(ctx: Context) -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        run_steps(ctx, [Step("apply", "applying", boom), Step("never", "never", boom)], "up")
    assert events(ctx) == [("step-start", "apply"), ("step-failed", "apply")]


def test_a_step_producing_an_unknown_field_fails(lab_home: Path) -> None:
    with pytest.raises(ValidationError):
        run_steps(context(), [Step("odd", "odd", lambda ctx: {"no_such_field": 1})], "up")


def test_a_cancelled_up_stops_between_steps(lab_home: Path) -> None:
    ctx, cancel = context(), threading.Event()
    ctx.options = Options(cancel=cancel)
    cancel.set()
    with pytest.raises(KeyboardInterrupt):
        run_steps(ctx, [Step("render", "rendering", lambda ctx: None)], "up")
    assert events(ctx) == []
