"""Run checks with a timeout per attempt and a retry window; say what was expected and seen."""

from __future__ import annotations

import time
from collections.abc import Callable

from provisioner.checks.kinds import KINDS
from provisioner.checks.types import CheckEnv, CheckResult, Outcome
from provisioner.core import deadlines
from provisioner.core.errors import LabError
from provisioner.core.redact import redact
from provisioner.core.templating import render
from provisioner.definitions.model import Check

# Callers import these from the runner, the checks' one entry point.
__all__ = ["CheckEnv", "CheckResult", "render", "run_check", "run_checks"]


def run_check(check: Check, env: CheckEnv, on_retry: Callable[[str], None] | None = None) -> CheckResult:
    # A slow machine (LAB_TIMEOUT_SCALE) gets longer per attempt and a longer window, as every
    # other deadline of lab does: a check must not fail only because the machine is loaded.
    scale = deadlines.scale()
    started = time.monotonic()
    deadline = started + check.retry * scale
    attempts = 0
    while True:
        attempts += 1
        try:
            outcome = KINDS[check.kind](check.spec, check.timeout * scale, env)
        except LabError as exc:
            outcome = Outcome(False, "the check to run", redact(exc.message))
        except Exception as exc:  # a check must report, never crash the run
            outcome = Outcome(False, "the check to run", redact(f"{type(exc).__name__}: {exc}"))
        if outcome.passed or time.monotonic() + 1 > deadline:
            break
        if on_retry:
            on_retry(f"{check.name}: {outcome.seen} (retrying)")
        time.sleep(min(1.0, max(0.1, deadline - time.monotonic())))
    seconds = round(time.monotonic() - started, 2)
    return CheckResult(
        check.name, check.kind, outcome.passed, outcome.expected, redact(outcome.seen), seconds, attempts
    )


def run_checks(
    checks: list[Check],
    env: CheckEnv,
    on_result: Callable[[CheckResult], None] | None = None,
    on_retry: Callable[[str], None] | None = None,
) -> list[CheckResult]:
    results = []
    for check in checks:
        result = run_check(check, env, on_retry)
        results.append(result)
        if on_result:
            on_result(result)
    return results
