"""Progress reporting: the core emits events, the CLI decides how they look."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def step(self, name: str, text: str) -> None:
        """A lifecycle step starts."""

    def info(self, text: str) -> None:
        """A detail inside the current step (a resource created, a task run)."""

    def done(self, name: str, seconds: float, skipped: bool = False) -> None:
        """A lifecycle step ended."""


class Silent:
    """For library callers and tests that want no output."""

    def step(self, name: str, text: str) -> None:
        pass

    def info(self, text: str) -> None:
        pass

    def done(self, name: str, seconds: float, skipped: bool = False) -> None:
        pass
