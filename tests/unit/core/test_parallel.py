"""Independent calls side by side: results in input order, the caller's context in each thread."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from provisioner.core.parallel import in_order

WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


def test_results_keep_the_input_order_while_the_calls_overlap() -> None:
    running, most = set[int](), [0]
    lock = threading.Lock()

    def work(n: int) -> str:
        with lock:
            running.add(n)
            most[0] = max(most[0], len(running))
        time.sleep(0.05 * (4 - n))  # the first finishes last
        with lock:
            running.discard(n)
        return f"{n}:{WHO.get()}"

    WHO.set("caller")
    assert in_order(work, [0, 1, 2, 3], workers=4) == ["0:caller", "1:caller", "2:caller", "3:caller"]
    assert most[0] > 1


def test_one_worker_runs_in_the_callers_thread_and_errors_reach_the_caller() -> None:
    assert in_order(lambda _: threading.current_thread().name, ["a"], workers=4) == [threading.current_thread().name]
    with pytest.raises(ZeroDivisionError):
        in_order(lambda n: 1 // n, [1, 0, 2], workers=3)
