"""Cohorts: one isolated sandbox per student, provisioned in parallel, resumable, torn down together."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from provisioner import backends
from provisioner.cohort.roster import Student, parse
from provisioner.core import paths
from provisioner.core.errors import InfraError, LabError
from provisioner.core.instance_state import InstanceState
from provisioner.core.report import Reporter
from provisioner.core.state import InstanceRef, Store, all_instances
from provisioner.definitions import catalog
from provisioner.lifecycle.down import down as do_down
from provisioner.lifecycle.images import sources
from provisioner.lifecycle.steps import Options, Target
from provisioner.lifecycle.up import up as do_up


@dataclass
class Outcome:
    student: str
    status: str  # ready, skipped (already ready), failed
    seconds: float = 0.0
    error: str = ""


def members(lab_id: str) -> dict[str, InstanceState]:
    """Instances of this lab that belong to a student, by student id (from state, not the roster)."""
    found = {}
    for ref in all_instances():
        state = Store(ref).load()
        if ref.lab == lab_id and state.student:
            found[state.student] = state
    return found


def capacity(lab_id: str, count: int) -> dict[str, float]:
    lab = catalog.load(lab_id)
    need_mb = count * sum(c.memory_mb for c in lab.sandbox.components)
    need_cpu = count * sum(c.cpus for c in lab.sandbox.components)
    avail_mb = _available_mb()
    return {
        "students": count,
        "memory_mb": need_mb,
        "available_mb": avail_mb,
        "cpus": need_cpu,
        "host_cpus": float(os.cpu_count() or 1),
    }


def _available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def check_capacity(lab_id: str, count: int, force: bool) -> None:
    """Declared memory must fit (with 10% headroom); CPUs may be shared up to 4 per core."""
    cap = capacity(lab_id, count)
    too_much = cap["memory_mb"] > 0.9 * cap["available_mb"] or cap["cpus"] > 4 * cap["host_cpus"]
    if too_much and not force:
        raise InfraError(
            f"{count} sandboxes of {lab_id} need {cap['memory_mb']:.0f} MB and {cap['cpus']:.0f} CPUs; "
            f"this host has {cap['available_mb']:.0f} MB available and {cap['host_cpus']:.0f} CPUs",
            "provision fewer students at once, or pass --force",
        )


def _images_ready(lab_id: str, report: Reporter) -> None:
    """The lab's images, ready before the students start, and one line on where each came from."""
    made = sources(lab_id, report)
    if made:
        report.step("images", "; ".join(f"{name} {where}" for name, where in made.items()))


def up(
    lab_id: str,
    roster: Path,
    jobs: int,
    ttl: float | None,
    force: bool,
    report_for: Callable[[str], Reporter],
    prune: bool = False,
    target: Target | None = None,
) -> tuple[list[Outcome], list[str]]:
    """Provision students whose sandbox is missing or failed; returns outcomes and the students no
    longer on the roster (their sandboxes removed too when `prune`)."""
    lab = catalog.load(lab_id)
    students = parse(roster)
    current = members(lab_id)
    todo = [s for s in students if s.id not in current or current[s.id].status != "ready"]
    if target is None:
        check_capacity(lab_id, len(todo), force)
    elif todo and not force:  # the target's own room, not this machine's: the sandboxes go there
        backends.for_lab(lab, target.name).check_room(lab, target, len(todo))
    if todo:  # once, not once per student: pulled where a registry has them, else built
        _images_ready(lab_id, report_for("images"))
    removed = sorted(set(current) - {s.id for s in students})
    done = [Outcome(s.id, "skipped") for s in students if s not in todo]
    outcomes = _provision(lab_id, todo, jobs, Options(ttl_seconds=ttl, target=target), report_for)
    if prune and removed:
        down(lab_id, removed, jobs, report_for)
    return done + outcomes, removed


def _provision(
    lab_id: str, todo: list[Student], jobs: int, shared: Options, report_for: Callable[[str], Reporter]
) -> list[Outcome]:
    """Each student's `up` with the options all share (expiry, target) and one cancel event."""
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_one, lab_id, s, shared, cancel, report_for(s.id)) for s in todo]
        try:
            return [f.result() for f in futures]
        except KeyboardInterrupt:
            cancel.set()  # students in flight stop at their next step and clean up after themselves
            wait(futures)
            raise


def _one(lab_id: str, student: Student, shared: Options, cancel: threading.Event, report: Reporter) -> Outcome:
    started = time.monotonic()
    mine = replace(shared, student=student.id, cancel=cancel, extra={"params": student.params})
    try:
        do_up(lab_id, student.instance, mine, report)
    except Exception as exc:  # one student's failure never stops the others, whatever it is
        message = exc.message if isinstance(exc, LabError) else f"unexpected {type(exc).__name__}: {exc}"
        return Outcome(student.id, "failed", round(time.monotonic() - started, 1), message)
    return Outcome(student.id, "ready", round(time.monotonic() - started, 1))


def down(lab_id: str, students: list[str] | None, jobs: int, report_for: Callable[[str], Reporter]) -> list[str]:
    targets = sorted(students if students is not None else members(lab_id))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda sid: do_down(lab_id, sid, report_for(sid)), targets))
    if not members(lab_id):  # the class is over: what its page logged goes with it
        shutil.rmtree(folder(lab_id), ignore_errors=True)
    return targets


def folder(lab_id: str) -> Path:
    """The cohort's own files (the instructor page's action log), beside the instances."""
    return paths.lab_home() / "cohorts" / lab_id


def status(lab_id: str) -> list[dict[str, Any]]:
    rows = []
    for sid, state in sorted(members(lab_id).items()):
        progress = state.exercises
        rows.append(
            {
                "student": sid,
                "instance": state.instance,
                "state": state.status,
                "endpoints": state.endpoints,
                "exercises_passed": sum(1 for p in progress.values() if p.passed),
                "exercises": {name: p.model_dump() for name, p in progress.items()},
                "last_check": max((p.checked_at for p in progress.values()), default=None),
                "created": state.created,
                "age_seconds": round(time.time() - state.created) if state.created else None,
                "expires": state.expires,
            }
        )
    return rows


def secrets_of(lab_id: str, student: str) -> dict[str, str]:
    return Store(InstanceRef(lab_id, student)).secrets()
