"""The command runner backends take: provisioner.core.proc.run, or a fake in unit tests."""

from __future__ import annotations

from collections.abc import Callable

from provisioner.core.proc import Result

# Called like proc.run: an argv list plus its keyword options (check, timeout, on_line, ...).
Runner = Callable[..., Result]
