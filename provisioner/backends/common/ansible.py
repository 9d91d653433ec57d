"""Ansible through ansible-runner, with events streamed and failures typed (pitfalls: FACTS.md)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from provisioner.core import paths
from provisioner.core.errors import DeadlineExceeded, InfraError
from provisioner.core.redact import redact
from provisioner.core.state import make_private, write_private
from provisioner.core.watchdog import HEARTBEAT_EVERY

Event = dict[str, Any]


def run_playbook(
    playbook: Path,
    inventory: Path,
    data_dir: Path,
    *,
    extravars: dict[str, Any],
    on_event: Callable[[Event], None] | None = None,
    limit: str | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run one playbook; returns the play stats. Raises InfraError naming the failed task and host,
    or DeadlineExceeded when the run outlived `timeout` seconds (ansible-runner then stops it)."""
    events: list[Event] = []
    failures: list[Event] = []

    def handle(event: Event) -> bool:
        # Keep it cheap: a slow handler trips pexpect's timeout, and returning False drops stats.
        event["_lab_seen"] = time.monotonic()
        events.append(event)
        failed = event.get("event") in ("runner_on_failed", "runner_on_unreachable")
        if failed and not event.get("event_data", {}).get("ignore_errors"):
            failures.append(event)
        if on_event:
            on_event(event)
        return True

    # Imported here, as for `lab --help`: a lab with no playbook never pays for it (a tenth of
    # every CLI start).
    import ansible_runner

    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = uuid.uuid4().hex
    with _vars_file(data_dir, extravars) as vars_file, _heartbeat(events, on_event):
        result = ansible_runner.run(
            private_data_dir=str(data_dir),
            playbook=str(playbook.resolve()),
            inventory=str(inventory.resolve()),
            extravars=str(vars_file),
            envvars=_envvars(data_dir, env or {}) | {RUN_MARKER: marker},
            event_handler=handle,
            quiet=True,
            limit=limit,
            rotate_artifacts=3,
            suppress_env_files=True,
            timeout=int(timeout) if timeout else None,
        )
    make_private(data_dir)
    stats = next((e["event_data"] for e in reversed(events) if e.get("event") == "playbook_on_stats"), None)
    if result.status == "timeout":
        stop_marked(marker)
        raise _timed_out(playbook, events, float(timeout or 0))
    if result.status != "successful" or failures:
        raise _failure(playbook, result, failures)
    return stats or {}


STILL_RUNNING = "lab_still_running"
# Ansible's workers start sessions of their own, so stopping the runner's process group leaves
# them (and the task they run) behind: each run marks its processes through the environment.
RUN_MARKER = "LAB_ANSIBLE_RUN"


def stop_marked(marker: str, within: float = 5.0) -> None:
    """SIGKILL every process of this run (found by its environment in /proc, where there is one),
    pass after pass until one finds none alive: a task forked during a pass, under a pid lower
    than the pass had reached, would otherwise run on."""
    needle = f"{RUN_MARKER}={marker}".encode()
    deadline = time.monotonic() + within
    while _kill_marked(needle) and time.monotonic() < deadline:
        time.sleep(0.05)


def _kill_marked(needle: bytes) -> int:
    """How many marked processes were still alive (a dead one's environment reads empty)."""
    found = 0
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                os.kill(int(proc.name), signal.SIGKILL)
                found += 1
    return found


@contextlib.contextmanager
def _heartbeat(events: list[Event], on_event: Callable[[Event], None] | None) -> Iterator[None]:
    """Every HEARTBEAT_EVERY seconds, an event naming the task that is still running and for how long."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            start = _last_task_start(events)
            if start and on_event:
                task = (start.get("event_data") or {}).get("task", "")
                elapsed = time.monotonic() - start.get("_lab_seen", time.monotonic())
                on_event({"event": STILL_RUNNING, "event_data": {"task": task, "elapsed": elapsed}})

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def _vars_file(data_dir: Path, extravars: dict[str, Any]) -> Iterator[Path]:
    """Variables (generated secrets among them) go to Ansible as `-e @file`, a 0600 file removed
    after the run: given as a dict, ansible-runner writes them into its `command` artifact."""
    path = data_dir / f".vars-{os.getpid()}-{threading.get_ident()}.json"
    write_private(path, json.dumps(extravars))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _envvars(data_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` (the backend's machine_env) with Ansible's settings; the runner's cwd is its data dir,
    so the config is named."""
    # Playbooks stage archives in TMPDIR: a private one, so two users' instances never share a file.
    tmp = data_dir / "tmp"
    tmp.mkdir(mode=0o700, exist_ok=True)
    return env | {"TMPDIR": str(tmp)} | settings(env)


def settings(env: dict[str, str]) -> dict[str, str]:
    """PATH led by ansible-playbook's folder (beside this interpreter) and the project's Ansible
    configuration and roles: what every ansible-playbook lab runs is given."""
    bindir = str(Path(sys.executable).parent)
    return {
        "PATH": bindir + os.pathsep + env.get("PATH", os.environ.get("PATH", "")),
        "ANSIBLE_CONFIG": str(paths.ANSIBLE_DIR / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_ROLES_PATH": str(paths.ANSIBLE_DIR / "roles"),
    }


def _failure(playbook: Path, result: Any, failures: list[Event]) -> InfraError:
    if not failures:
        return InfraError(
            f"ansible-playbook {playbook.name} ended {result.status} (rc {result.rc})",
            "run with --debug, or read the Ansible log in the instance's state folder",
        )
    data = failures[0].get("event_data", {})
    res = data.get("res", {}) or {}
    # A failed command says only "non-zero return code": its output's last lines say why.
    tail = str(res.get("stderr") or res.get("stdout") or "").strip().splitlines()[-3:]
    msg = " / ".join([_killed(res.get("rc")) + str(res.get("msg") or "failed").strip(), *tail])
    text = f"ansible: task {data.get('task', '?')!r} failed on {data.get('host', '?')}: {msg[:600]}"
    return InfraError(redact(text), "run `lab up` again with --keep --debug to inspect the sandbox")


def _killed(rc: object) -> str:
    """A command killed by SIGKILL ends without a word of its own: inside a container that is
    almost always its memory limit, which the reader can raise."""
    if rc in (137, -9):
        return "killed by SIGKILL (out of memory? raise the component's memory_mb), "
    return ""


def _timed_out(playbook: Path, events: list[Event], seconds: float) -> DeadlineExceeded:
    start = _last_task_start(events)
    task = (start.get("event_data") or {}).get("task", "") if start else ""
    error = DeadlineExceeded(["ansible-playbook", playbook.name], seconds, "")
    if task:
        error.message = f"{error.message} (in task {task!r})"
        error.args = (error.message,)
    return error


def _last_task_start(events: list[Event]) -> Event | None:
    return next((e for e in reversed(events) if e.get("event") == "playbook_on_task_start"), None)


def changed_count(stats: dict[str, Any]) -> int:
    return sum((stats.get("changed") or {}).values())
