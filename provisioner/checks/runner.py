"""Run checks with a timeout per attempt and a retry window; say what was expected and seen."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from provisioner.core.errors import LabError
from provisioner.core.proc import run as default_run
from provisioner.core.redact import redact
from provisioner.definitions.model import Check

ExecArgv = Callable[[str, list[str]], list[str]]


@dataclass
class CheckEnv:
    """What checks may use: template values, how to run inside a host, the subprocess chokepoint."""

    values: dict[str, Any]
    exec_argv: ExecArgv = lambda _host, argv: argv
    run: Callable[..., Any] = default_run


@dataclass
class Outcome:
    passed: bool
    expected: str
    seen: str


@dataclass
class CheckResult:
    name: str
    kind: str
    passed: bool
    expected: str
    seen: str
    seconds: float
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"expected {self.expected}; seen {self.seen}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def render(text: str, values: dict[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 - not HTML
    return env.from_string(text).render(**values)


def run_check(check: Check, env: CheckEnv, on_retry: Callable[[str], None] | None = None) -> CheckResult:
    from provisioner.checks.kinds import KINDS

    started = time.monotonic()
    deadline = started + check.retry
    attempts = 0
    while True:
        attempts += 1
        try:
            outcome = KINDS[check.kind](check.spec, check.timeout, env)
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
