"""Secrets generated for a sandbox are registered here so no log or error ever shows them.

The secrets belong to a run (`with redact.run():` around one up, verify, check...): they are
masked while any run is in progress, from whichever thread writes the text (tool callbacks run
on threads of their own), and forgotten when their run ends. Outside a run (a script or test
driving steps by hand) they go to a loose set that `forget_loose` empties."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar

_lock = threading.Lock()
_loose: set[str] = set()
_runs: dict[int, set[str]] = {}  # id of a run's set -> that set, for the runs in progress
_current: ContextVar[set[str] | None] = ContextVar("lab_run_secrets", default=None)


@contextlib.contextmanager
def run() -> Iterator[None]:
    """Scope the secrets registered inside to this run (and this thread's context)."""
    mine: set[str] = set()
    token = _current.set(mine)
    with _lock:
        _runs[id(mine)] = mine
    try:
        yield
    finally:
        with _lock:
            del _runs[id(mine)]
        _current.reset(token)


def register(*secrets: str) -> None:
    """Remember values that must be masked wherever text leaves the process."""
    target = _current.get()
    with _lock:
        (_loose if target is None else target).update(s for s in secrets if len(s) >= 6)


def forget_loose() -> None:
    """Drop secrets registered outside any run (tests call it between tests)."""
    with _lock:
        _loose.clear()


def redact(text: str) -> str:
    with _lock:
        known = set(_loose).union(*_runs.values())
    # Longest first: a secret that contains another is masked whole.
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
