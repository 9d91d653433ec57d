"""The learner loop: check exercises (with hints), apply reference solutions, record progress."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provisioner import backends
from provisioner.backends.common.ansible import run_playbook
from provisioner.backends.common.configure import ansible_progress, playbook_vars
from provisioner.checks.runner import CheckResult
from provisioner.core import deadlines, paths, redact
from provisioner.core.errors import InfraError, UsageError
from provisioner.core.instance_state import ExerciseProgress
from provisioner.core.proc import run
from provisioner.core.report import Reporter, Silent
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog, parts
from provisioner.definitions.model import Exercise, Lab
from provisioner.lifecycle.steps import Context
from provisioner.lifecycle.verify import blocking, checking, run_available


@dataclass
class ExerciseResult:
    id: str
    title: str
    passed: bool
    hint: str
    checks: list[CheckResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "passed": self.passed,
            "hint": self.hint,
            "checks": [c.as_dict() for c in self.checks],
        }


def _ready_context(lab_id: str, instance: str, report: Reporter | None) -> Context:
    """The ready instance's context: its lab and its backend (from state), loaded once."""
    store = Store(InstanceRef(lab_id, instance))
    state = store.load()
    if state.status != "ready" or state.backend is None:
        raise InfraError(f"{lab_id}/{instance} is not up", f"run `lab up {lab_id}` first")
    redact.register(*store.secrets().values())
    return Context(store.ref, store, catalog.load(lab_id), backends.get(state.backend), report or Silent())


def select(lab: Lab, ids: list[str]) -> list[Exercise]:
    known = {ex.id: ex for ex in lab.exercises}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UsageError(f"{lab.id} has no exercise {unknown[0]!r}: it has {', '.join(known) or 'none'}")
    return [known[i] for i in ids] if ids else list(lab.exercises)


def check(
    lab_id: str, ids: list[str], instance: str = "default", report: Reporter | None = None, retry: bool = False
) -> list[ExerciseResult]:
    """Run each exercise's checks once (no retry window unless asked) and record the outcome."""
    with redact.run():
        ctx = _ready_context(lab_id, instance, report)
        chosen = [
            (ex, ex.checks if retry else [c.model_copy(update={"retry": 0}) for c in ex.checks])
            for ex in select(ctx.require_lab(), ids)
        ]
        results = []
        # One set of endpoint tunnels (a cluster's port-forwards) for every exercise, not one each.
        with checking(ctx, [c for _, checks in chosen for c in checks]) as env:
            for ex, checks in chosen:
                outcome = run_available(ctx, checks, env=env)
                results.append(ExerciseResult(ex.id, ex.title, not blocking(outcome), ex.hint, outcome))
    _record(ctx.store, results)
    return results


def _record(store: Store, results: list[ExerciseResult]) -> None:
    progress = dict(store.load().exercises)
    for r in results:
        failed = [c.name for c in r.checks if not c.passed]
        progress[r.id] = ExerciseProgress(passed=r.passed, checked_at=time.time(), failed=failed)
    store.update(exercises=progress)


def solve(lab_id: str, ids: list[str], instance: str = "default", report: Reporter | None = None) -> list[str]:
    """Apply the reference solutions of the given exercises (default: all) to the sandbox."""
    with redact.run():
        ctx = _ready_context(lab_id, instance, report)
        with ctx.store.lock("solve"):
            return [_solve(ctx, ex) for ex in select(ctx.require_lab(), ids)]


def _solve(ctx: Context, ex: Exercise) -> str:
    backend, folder = ctx.require_backend(), parts.folder(ctx.ref.lab)
    ctx.report.step("solve", f"{ex.id}: {ex.title}")
    if ex.solution.playbook:
        _solve_playbook(ctx, backend, folder / ex.solution.playbook)
    else:
        _solve_script(ctx, backend, list(ex.solution.script or []), ex.solution.host, folder)
    return ex.id


def _solve_playbook(ctx: Context, backend: Any, playbook: os.PathLike[str]) -> None:
    run_playbook(
        Path(playbook),
        backend.inventory(ctx),
        ctx.store.path("ansible"),
        extravars=playbook_vars(ctx),
        on_event=lambda e: ansible_progress(ctx, e),
        timeout=backend.deadline(ctx, "configure"),
        env=backend.machine_env(ctx),
    )


def _solve_script(ctx: Context, backend: Any, argv: list[str], host: str | None, folder: Any) -> None:
    if host:
        run(backend.exec_argv(ctx, host, argv), on_line=ctx.report.info, timeout=deadlines.SOLUTION.seconds())
        return
    env = (
        os.environ
        | backend.machine_env(ctx)
        | {
            "LAB_ID": ctx.ref.lab,
            "LAB_INSTANCE": ctx.ref.instance,
            "LAB_NAME": ctx.name,
            "LAB_HOME": str(paths.lab_home()),
        }
    )
    run(argv, cwd=folder, env=env, on_line=ctx.report.info, timeout=deadlines.SOLUTION.seconds())
