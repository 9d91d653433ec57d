"""The one subprocess chokepoint: argv lists only, output streamed, failures typed, deadlines kept."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from provisioner.core.errors import CommandError, DeadlineExceeded, InfraError
from provisioner.core.redact import redact

LineHandler = Callable[[str], None]
Cwd = str | os.PathLike[str] | None
Heartbeat = Callable[[float], None]
TAIL_LINES = 40
# A child past its deadline gets SIGINT (Terraform then releases its state lock), then SIGTERM,
# then SIGKILL, each sent to its whole process group (providers, ssh) with this much time between.
STOP_GRACE = (10.0, 5.0)
HEARTBEAT_EVERY = 15.0


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr_tail: str
    timed_out: bool = False


def run(
    argv: Sequence[str],
    *,
    cwd: Cwd = None,
    env: Mapping[str, str] | None = None,
    on_line: LineHandler | None = None,
    on_stderr: LineHandler | None = None,
    check: bool = True,
    stdin_data: str | None = None,
    timeout: float | None = None,
    heartbeat: Heartbeat | None = None,
    umask: int = -1,
) -> Result:
    """Run argv, stream stdout lines to on_line, keep stderr's tail; raise CommandError on failure.

    With a timeout the child's process group is stopped when it expires (DeadlineExceeded when
    check is set); heartbeat(elapsed) is called every HEARTBEAT_EVERY seconds while it runs.
    Ctrl-C is forwarded to the child once so tools like Terraform release their locks. A umask
    (e.g. 0o077) makes every file the child writes private to the user.
    """
    argv = [str(a) for a in argv]
    proc = _spawn(argv, cwd, env, stdin_data is not None, umask)
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    drain = threading.Thread(target=_drain, args=(proc, tail, on_stderr), daemon=True)
    drain.start()
    watchdog = _Watchdog(proc, timeout, heartbeat)
    try:
        out = _pump(proc, on_line, stdin_data)
    finally:
        watchdog.finish()
    drain.join()
    result = Result(argv, proc.returncode, "".join(out), redact("".join(tail)), watchdog.expired)
    if check and watchdog.expired:
        raise DeadlineExceeded(argv, float(timeout or 0), result.stderr_tail)
    if check and proc.returncode != 0:
        raise CommandError(argv, proc.returncode, result.stderr_tail or redact(result.stdout[-4000:]))
    return result


def _spawn(
    argv: list[str], cwd: Cwd, env: Mapping[str, str] | None, has_stdin: bool, umask: int
) -> subprocess.Popen[str]:
    try:
        return subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            text=True,
            bufsize=1,
            stdin=subprocess.PIPE if has_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Its own group: a deadline or Ctrl-C reaches the child's children (providers) too.
            start_new_session=True,
            umask=umask,
        )
    except FileNotFoundError as exc:
        raise InfraError(f"{argv[0]}: command not found", f"install {argv[0]} (see `lab doctor`)") from exc


class _Watchdog:
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


def _pump(proc: subprocess.Popen[str], on_line: LineHandler | None, stdin_data: str | None) -> list[str]:
    out: list[str] = []
    try:
        if stdin_data is not None and proc.stdin:
            proc.stdin.write(stdin_data)
            proc.stdin.close()
        assert proc.stdout is not None
        for line in proc.stdout:
            out.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        proc.wait()
    except KeyboardInterrupt:
        stop_group(proc, grace=(30.0, 5.0))
        raise
    return out


def _drain(proc: subprocess.Popen[str], tail: collections.deque[str], on_stderr: LineHandler | None) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        tail.append(line)
        if on_stderr:
            on_stderr(line.rstrip("\n"))


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
