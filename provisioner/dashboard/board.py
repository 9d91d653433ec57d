"""The live state of one cohort for the instructor's page: a snapshot rebuilt from state after
every check or action, numbered so that the page's event stream sends only what changed."""

from __future__ import annotations

import threading
import time
from typing import Any

from provisioner import backends
from provisioner.cohort import run as cohort
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab


class Board:
    """Snapshot and bookkeeping; the work itself (checks, ups, resets) is in dashboard.work."""

    def __init__(self, lab_id: str, interval: float) -> None:
        self.lab: Lab = catalog.load(lab_id)
        self.actions = (
            ["check", "reset", "up"] if backends.get(self.lab.sandbox.backend).reset_steps() else ["check", "up"]
        )
        self.interval = interval
        self.version = 0
        self.busy: dict[str, str] = {}  # student -> what runs for them now (one thing at a time)
        self.stopping = threading.Event()
        self._lock = threading.Condition()
        self.snapshot: dict[str, Any] = {}
        self.refresh()

    def claim(self, student: str, activity: str, patience: float = 0.0) -> bool:
        """Take the student's sandbox for one activity, waiting up to `patience` seconds for the
        one that runs; False when it still runs (or the page stops)."""
        with self._lock:
            free = self._lock.wait_for(lambda: student not in self.busy or self.stopping.is_set(), patience)
            if not free or self.stopping.is_set():
                return False
            self.busy[student] = activity
        self.refresh()
        return True

    def stop(self) -> None:
        with self._lock:
            self.stopping.set()
            self._lock.notify_all()  # actions that wait for a sandbox give up

    def release(self, student: str) -> None:
        with self._lock:
            self.busy.pop(student, None)
            self._lock.notify_all()
        self.refresh()

    def students(self) -> list[dict[str, Any]]:
        return list(self.snapshot["students"])

    def refresh(self) -> None:
        """A new version only when something changed: each one goes to every open page."""
        rows = [self._row(r) for r in cohort.status(self.lab.id)]
        with self._lock:
            if self.snapshot and rows == self.snapshot["students"]:
                return
            self.version += 1
            self.snapshot = {
                "lab": self.lab.id,
                "title": self.lab.title,
                "version": self.version,
                "generated_at": time.time(),
                "interval_seconds": self.interval,
                "actions": self.actions,  # what this lab's backend can do (not every one resets)
                "exercises": [{"id": e.id, "title": e.title, "hint": e.hint} for e in self.lab.exercises],
                "students": rows,
            }

    def _row(self, status: dict[str, Any]) -> dict[str, Any]:
        # times are absolute (seconds since the epoch): the page counts ages and expiries down
        return {
            "student": status["student"],
            "state": status["state"],
            "activity": self.busy.get(status["student"]),
            "created": status["created"],
            "expires": status["expires"],
            "last_check": status["last_check"],
            "passed": status["exercises_passed"],
            "cells": cells([e.id for e in self.lab.exercises], status["exercises"]),
        }


def cells(ids: list[str], progress: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each exercise's cell. Exercises build on each other: the first one failing is where the
    student is (failed, with its hint on the page); later failing ones are not attempted yet."""
    out: dict[str, dict[str, Any]] = {}
    stuck = False
    for ex in ids:
        seen = progress.get(ex)
        if seen is None:
            out[ex] = {"status": "not_attempted", "failed_checks": []}
            continue
        status = "passed" if seen["passed"] else ("not_attempted" if stuck else "failed")
        stuck = stuck or not seen["passed"]
        out[ex] = {"status": status, "failed_checks": seen.get("failed", []), "checked_at": seen["checked_at"]}
    return out
