"""Deadlines and heartbeats of a running child, and stopping its whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

Heartbeat = Callable[[float], None]
# A child past its deadline gets SIGINT (Terraform then releases its state lock), then SIGTERM,
# then SIGKILL, each sent to its whole process group (providers, ssh) with this much time between.
STOP_GRACE = (10.0, 5.0)
HEARTBEAT_EVERY = 15.0


class Watchdog:
    """Beats while the child runs and stops its group at the deadline; never outlives run()."""

    def __init__(self, proc: subprocess.Popen[str], timeout: float | None, heartbeat: Heartbeat | None) -> None:
        self.proc, self.timeout, self.heartbeat = proc, timeout, heartbeat
        self.expired = False
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        if timeout or heartbeat:
            self.thread = threading.Thread(target=self._watch, daemon=True)
            self.thread.start()

    def _watch(self) -> None:
        started = time.monotonic()
        deadline = started + self.timeout if self.timeout else None
        next_beat = started + HEARTBEAT_EVERY
        while not self.done.is_set():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                self.expired = True
                stop_group(self.proc)
                return
            if self.heartbeat and now >= next_beat:
                self.heartbeat(now - started)
                next_beat += HEARTBEAT_EVERY
            wake = [t for t in (deadline, next_beat if self.heartbeat else None) if t is not None]
            self.done.wait(max(0.05, min(wake) - now))

    def finish(self) -> None:
        self.done.set()
        if self.thread:
            self.thread.join()


def stop_group(proc: subprocess.Popen[str], grace: tuple[float, float] | None = None) -> None:
    """SIGINT, then SIGTERM, then SIGKILL to the child's whole group, until the child is gone."""
    grace = grace or STOP_GRACE
    for sig, wait in ((signal.SIGINT, grace[0]), (signal.SIGTERM, grace[1])):
        if not _signal_group(proc, sig):
            return
        try:
            proc.wait(timeout=wait)
            _signal_group(proc, signal.SIGKILL)  # the child left, its helpers must not linger
            return
        except subprocess.TimeoutExpired:
            continue
    _signal_group(proc, signal.SIGKILL)
    proc.wait()


def _signal_group(proc: subprocess.Popen[str], sig: signal.Signals) -> bool:
    try:
        os.killpg(proc.pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False
