"""Run checks with a timeout per attempt and a retry window; say what was expected and seen."""

from __future__ import annotations

import time
from collections.abc import Callable

from provisioner.checks import reach
from provisioner.checks.kinds import KINDS
from provisioner.checks.types import CheckEnv, CheckResult, Outcome
from provisioner.core import deadlines
from provisioner.core.errors import LabError
from provisioner.core.redact import redact
from provisioner.core.templating import render
from provisioner.definitions.model import Check

# Callers import these from the runner, the checks' one entry point.
__all__ = ["CheckEnv", "CheckResult", "render", "run_check"]


def run_check(
    check: Check, env: CheckEnv, on_retry: Callable[[str], None] | None = None, unreached_grace: float = 0.0
) -> CheckResult:
    """Attempts until the check passes or its retry window ends; with `unreached_grace`, a host
    that does not answer at all (ssh's 255) is tried that long even by a check tried once."""
    # A slow machine (LAB_TIMEOUT_SCALE) gets longer per attempt and a longer window, as every
    # other deadline of lab does: a check must not fail only because the machine is loaded.
    scale = deadlines.scale()
    started = time.monotonic()
    deadline = started + check.retry * scale
    attempts, report = 0, changes_only(on_retry)
    while True:
        attempts += 1
        reach.unreached.set(False)
        try:
            outcome = KINDS[check.kind](check.spec, check.timeout * scale, env)
        except LabError as exc:
            outcome = Outcome(False, "the check to run", redact(exc.message))
        except Exception as exc:  # a check must report, never crash the run
            outcome = Outcome(False, "the check to run", redact(f"{type(exc).__name__}: {exc}"))
        if not outcome.passed and reach.unreached.get():
            deadline = max(deadline, started + unreached_grace * scale)
        if outcome.passed or time.monotonic() + 1 > deadline:
            break
        report(f"{check.name}: {outcome.seen} (retrying)")
        time.sleep(min(pause(attempts), max(0.1, deadline - time.monotonic())))
    seconds = round(time.monotonic() - started, 2)
    return CheckResult(
        check.name, check.kind, outcome.passed, outcome.expected, redact(outcome.seen), seconds, attempts
    )


def changes_only(on_retry: Callable[[str], None] | None) -> Callable[[str], None]:
    """on_retry, told only what differs from the last time: a check retried for minutes would
    otherwise repeat the same failure line after line."""
    last: list[str] = []

    def report(text: str) -> None:
        if on_retry and last != [text]:
            last[:] = [text]
            on_retry(text)

    return report


def pause(attempts: int) -> float:
    """0.1 s after each of the first three attempts, then doubling to 1 s: a service that starts
    within a second of the check (most do, e.g. PostgreSQL from a seeded cluster) is seen at
    once, and one that takes longer is not probed more than once a second."""
    return min(1.0, 0.1 * 2.0 ** max(0, attempts - 3))
