"""Independent calls run side by side, their results in the order of their inputs."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def in_order(work: Callable[[In], Out], items: Sequence[In], workers: int) -> list[Out]:
    """work(item) for each item, at most `workers` at a time. Each call runs in a copy of the
    caller's context: the secrets a run registered for redaction are redacted in its threads too."""
    if workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(min(workers, len(items))) as pool:
        futures = [pool.submit(contextvars.copy_context().run, work, item) for item in items]
        return [f.result() for f in futures]
