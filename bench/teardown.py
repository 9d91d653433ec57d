"""Benchmarks leave nothing behind: what they brought up goes down on any exit.

Every benchmark runs in a state root of its own (LAB_HOME), so at the end, whether it finished,
failed or was interrupted (Ctrl-C, SIGTERM), every sandbox listed there is taken down, except
those that were already there when it began (LAB_HOME set to a state root in use). A state root
the benchmark made for itself is removed too once nothing is left in it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType

DOWN_TIMEOUT_S = 600


@contextlib.contextmanager
def torn_down() -> Iterator[Path]:
    """A private LAB_HOME (unless one is set) whose sandboxes are all taken down on exit."""
    made = "LAB_HOME" not in os.environ
    home = Path(os.environ.setdefault("LAB_HOME", tempfile.mkdtemp(prefix="lab-bench-")))
    before = frozenset() if made else frozenset(_instances())
    # A shell that starts us in the background leaves SIGINT ignored: restore it, and make
    # SIGTERM interrupt the same way, so the teardown below always runs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield home
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the teardown short
        try:
            left = tear_down_all(before)
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, previous)
        if made and not left:
            shutil.rmtree(home, ignore_errors=True)


def tear_down_all(before: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """`lab down` for every instance in this state root but those `before`, four at a time;
    returns what stayed."""
    instances = _instances(before)
    if instances:
        print(f"bench: tearing down {len(instances)} sandbox(es)", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda ref: _down(*ref), instances))
    left = [f"{lab}/{instance}" for lab, instance in _instances(before)]
    if left:
        print(f"bench: could not tear down {', '.join(left)}: run `lab down` for each", file=sys.stderr)
    return left


def _instances(but: frozenset[tuple[str, str]] = frozenset()) -> list[tuple[str, str]]:
    return [ref for ref in ((row["lab"], row["instance"]) for row in _status()) if ref not in but]


def _status() -> list[dict[str, str]]:
    out = subprocess.run(
        [sys.executable, "-m", "provisioner", "status", "--output", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    ).stdout
    try:
        return list(json.loads(out or "[]"))
    except ValueError:
        return []


def _down(lab_id: str, instance: str) -> None:
    argv = [sys.executable, "-m", "provisioner", "down", lab_id, "--instance", instance]
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(argv, capture_output=True, check=False, timeout=DOWN_TIMEOUT_S)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
