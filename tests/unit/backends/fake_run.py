"""A stand-in for provisioner.core.proc.run: records every argv, answers from a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from provisioner.core.proc import Result

Answer = str | tuple[int, str]


class FakeRun:
    """Answers each command from the longest argv prefix in `answers` (stdout, or (code, stdout));
    anything else succeeds with no output. `calls` holds every argv, in order."""

    def __init__(self, answers: dict[tuple[str, ...], Answer] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[Any], **options: Any) -> Result:
        argv = [str(a) for a in argv]
        self.calls.append(argv)
        prefixes = [p for p in self.answers if tuple(argv[: len(p)]) == p]
        answer = self.answers[max(prefixes, key=len)] if prefixes else ""
        code, out = answer if isinstance(answer, tuple) else (0, answer)
        for line in out.splitlines() if options.get("on_line") else []:
            options["on_line"](line)  # like proc.run: each stdout line as it comes, and all of it
        return Result(argv, code, out, "")
