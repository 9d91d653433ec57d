"""What a check receives and what it reports: shared by the runner and every check kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from provisioner.core.proc import run as default_run

ExecArgv = Callable[[str, list[str]], list[str]]


@dataclass
class CheckEnv:
    """What checks may use: template values, how to run inside a host, the subprocess chokepoint."""

    values: dict[str, Any]
    exec_argv: ExecArgv = lambda _host, argv: argv
    run: Callable[..., Any] = default_run
    # Added to the environment of commands run on this machine (no host), e.g. a KUBECONFIG.
    machine_env: dict[str, str] = field(default_factory=dict)


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
