"""What the instructor's page sets going: periodic checks of every ready sandbox, and the actions
(re-check, reset, up again) for one student. Each runs in a thread of its own, never two for one
sandbox at once, and each action is logged."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from provisioner.core.errors import LabError
from provisioner.core.report import Silent
from provisioner.core.state import InstanceRef, Store
from provisioner.dashboard.board import Board
from provisioner.exercises.run import check
from provisioner.lifecycle.reset import reset
from provisioner.lifecycle.steps import Options
from provisioner.lifecycle.up import up

WATCH_SECONDS = 2.0
# An instructor's action waits this long for a check of the same sandbox to end.
PATIENCE_SECONDS = 300.0


class Worker:
    def __init__(self, board: Board, log: Path, jobs: int = 2) -> None:
        self.board = board
        self.log = log
        # the instructor's actions never queue behind a round of periodic checks
        self.checks = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="lab-board-check")
        self.actions = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lab-board-action")

    def start(self) -> None:
        threading.Thread(target=self._watch, name="lab-board-watch", daemon=True).start()
        if self.board.interval > 0:  # 0: checks only when the instructor asks for them
            threading.Thread(target=self._every_interval, name="lab-board-rounds", daemon=True).start()

    def _watch(self) -> None:
        """What changes without the page (a student's own `lab check`, a `lab cohort up` in
        another shell) shows within seconds: state files are small and few."""
        while not self.board.stopping.wait(WATCH_SECONDS):
            self.board.refresh()

    def stop(self) -> None:
        """What waits is dropped; what runs finishes (an up stops at its next step and cleans up)."""
        self.board.stop()
        for pool in (self.checks, self.actions):
            pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, student: str, action: str, who: str) -> bool:
        """Start an action for one student; False when a reset or an up runs for them (a check
        that runs is waited for: then the action sees what the check left)."""
        if self.board.busy.get(student) not in (None, "check"):
            return False
        self._log(action, student, who, "requested")
        self.actions.submit(self._act, student, action, who)
        return True

    def _act(self, student: str, action: str, who: str) -> None:
        if self.board.claim(student, action, patience=PATIENCE_SECONDS):
            self._run(student, action, who)
        else:
            self._log(action, student, who, f"not run: {self.board.busy.get(student) or 'the page'} was busy")

    def _every_interval(self) -> None:
        """A round checks every ready sandbox; the next round starts an interval after this one
        started, or when it ends if it took longer: checks never pile up."""
        while not self.board.stopping.is_set():
            started = time.monotonic()
            ready = [r["student"] for r in self.board.students() if r["state"] == "ready"]
            wait([self.checks.submit(self._periodic, student) for student in ready])
            self.board.stopping.wait(max(1.0, self.board.interval - (time.monotonic() - started)))

    def _periodic(self, student: str) -> None:
        if not self.board.stopping.is_set() and self.board.claim(student, "check"):
            self._run(student, "check", "")

    def _run(self, student: str, action: str, who: str) -> None:
        outcome = "done"
        try:
            _ACTION[action](self.board.lab.id, student, self.board.stopping)
        except LabError as exc:
            outcome = f"failed: {exc.message}"
        except Exception as exc:  # the page must go on for the other students, whatever this was
            outcome = f"failed: unexpected {type(exc).__name__}: {exc}"
        finally:
            self.board.release(student)
        if who:  # periodic checks are not the instructor's actions
            self._log(action, student, who, outcome)

    def _log(self, action: str, student: str, who: str, outcome: str) -> None:
        entry = {"time": time.time(), "action": action, "student": student, "from": who, "outcome": outcome}
        self.log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")


def _check(lab_id: str, student: str, stopping: threading.Event) -> None:
    check(lab_id, [], student)


def _reset(lab_id: str, student: str, stopping: threading.Event) -> None:
    reset(lab_id, student, Silent())


def _up(lab_id: str, student: str, stopping: threading.Event) -> None:
    """Up again with what the student was given at the first up (their roster parameters)."""
    state = Store(InstanceRef(lab_id, student)).load()
    ttl = _ttl_left(state.expires)
    # stopping the page stops an up at its next step, which then cleans up after itself
    options = Options(student=student, ttl_seconds=ttl, cancel=stopping, extra={"params": state.student_params})
    up(lab_id, student, options, Silent())


def _ttl_left(expires: float | None) -> float | None:
    return max(60.0, expires - time.time()) if expires else None


_ACTION: dict[str, Callable[[str, str, threading.Event], None]] = {"check": _check, "reset": _reset, "up": _up}
