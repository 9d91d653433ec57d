"""`lab smoke`: prove each lab works, and that its checks can fail.

Per lab: up (readiness included), every exercise's checks must FAIL before its solution and PASS
after it, then down, always, even on failure or Ctrl-C (unless keep_on_failure)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from provisioner import backends
from provisioner.checks.junit import Case, from_checks
from provisioner.core.errors import LabError
from provisioner.core.report import Reporter
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog
from provisioner.exercises.run import check, solve
from provisioner.lifecycle.down import down
from provisioner.lifecycle.steps import Context, Options, Target
from provisioner.lifecycle.up import up

INSTANCE = "smoke"


@dataclass
class LabRun:
    lab: str
    status: str = "passed"  # passed, failed, skipped
    reason: str = ""
    cases: list[Case] = field(default_factory=list)
    diagnostics: str | None = None
    seconds: float = 0.0

    def add(self, case: Case) -> None:
        self.cases.append(case)
        if not case.passed and not case.skipped:
            self.status = "failed"


def skip_reason(lab_id: str, target: Target | None = None) -> str | None:
    """Why this lab cannot run on this machine, or on the target (never reported as passed), or
    None. A lab the target cannot take (a VM lab on a cluster) is skipped with that reason."""
    lab = catalog.load(lab_id)
    if lab.unavailable:
        return lab.unavailable
    try:
        backend = backends.for_lab(lab, target.name if target else None)
        ref = InstanceRef(lab_id, INSTANCE)
        backend.preflight(Context(ref, Store(ref), lab, backend, options=Options(target=target)))
    except LabError as exc:
        return exc.message
    return None


def smoke_lab(
    lab_id: str,
    cancel: threading.Event,
    keep_on_failure: bool,
    report: Reporter,
    up_only: bool = False,
    target: Target | None = None,
) -> LabRun:
    """Only `up` takes the target: check, solve and down find the instance's place in its state."""
    run = LabRun(lab_id)
    started = time.monotonic()
    reason = skip_reason(lab_id, target)
    if reason:
        run.status, run.reason = "skipped", reason
        run.add(Case("up", "up", False, reason, skipped=True))
        return run
    try:
        options = Options(keep=keep_on_failure, cancel=cancel, target=target)
        _exercise(run, lab_id, options, report, up_only)
    finally:
        if not (keep_on_failure and run.status == "failed"):
            _down(run, lab_id, report)
        run.seconds = round(time.monotonic() - started, 1)
    return run


def _exercise(run: LabRun, lab_id: str, options: Options, report: Reporter, up_only: bool) -> None:
    if not _phase(run, "up", "up", lambda: up(lab_id, INSTANCE, options, report)):
        return
    if up_only:
        _not_proven(run, lab_id)
        return
    before = check(lab_id, [], INSTANCE, report)
    for ex in before:
        run.add(
            Case(
                f"{ex.id} fails before solve",
                "exercise",
                not ex.passed,
                "" if not ex.passed else "every check passed before the solution was applied",
            )
        )
    for ex in before:
        if options.cancel is not None and options.cancel.is_set():
            raise KeyboardInterrupt
        if _phase(run, "solve", f"solve {ex.id}", _solver(lab_id, ex.id, report)):
            [after] = check(lab_id, [ex.id], INSTANCE, report, retry=True)
            for case in from_checks("exercise", after.checks):
                case.name = f"{ex.id} passes after solve: {case.name}"
                run.add(case)
                if case.skipped:  # an optional component's check: reported, never passed
                    run.reason = run.reason or "checks of optional components unavailable here skipped"


def _not_proven(run: LabRun, lab_id: str) -> None:
    """Up-only: the readiness checks ran in `up`; each exercise is listed as skipped, never passed."""
    why = "exercise not proven: this lab ran up and down only (--up-only)"
    run.reason = "up and down only: exercises not proven"
    for ex in catalog.load(lab_id).exercises:
        run.add(Case(f"{ex.id} not proven", "exercise", False, why, skipped=True))


def _solver(lab_id: str, exercise: str, report: Reporter) -> Callable[[], object]:
    return lambda: solve(lab_id, [exercise], INSTANCE, report)


def _phase(run: LabRun, phase: str, name: str, action: Callable[[], object]) -> bool:
    started = time.monotonic()
    try:
        action()
    except LabError as exc:
        run.diagnostics = run.diagnostics or exc.diagnostics
        run.add(Case(name, phase, False, exc.message, round(time.monotonic() - started, 2)))
        return False
    run.add(Case(name, phase, True, "", round(time.monotonic() - started, 2)))
    return True


def _down(run: LabRun, lab_id: str, report: Reporter) -> None:
    _phase(run, "down", "down", lambda: down(lab_id, INSTANCE, report))


def smoke(
    lab_ids: list[str],
    jobs: int,
    keep_on_failure: bool,
    report_for: Callable[[str], Reporter],
    up_only: frozenset[str] = frozenset(),
    target: Target | None = None,
) -> list[LabRun]:
    """Run labs with bounded parallelism; Ctrl-C stops new steps and lets every lab tear down.
    Labs in `up_only` go up (readiness checks included) and down, their exercises not proven.
    A target puts every sandbox there (`--target kubernetes`): the same exercises and checks."""
    cancel = threading.Event()

    def one(lab_id: str) -> LabRun:
        return smoke_lab(lab_id, cancel, keep_on_failure, report_for(lab_id), lab_id in up_only, target)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, i) for i in lab_ids]
        try:
            return [f.result() for f in futures]
        except KeyboardInterrupt:
            cancel.set()
            for f in futures:
                f.cancel()
            wait(futures)  # let every started lab reach its down before we go
            raise
