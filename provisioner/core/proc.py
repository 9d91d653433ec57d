"""The one subprocess chokepoint: argv lists only, output streamed, failures typed, deadlines kept."""

from __future__ import annotations

import collections
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from provisioner.core.errors import CommandError, DeadlineExceeded, InfraError
from provisioner.core.redact import redact
from provisioner.core.sinks import Sink
from provisioner.core.watchdog import Heartbeat, Watchdog, stop_group

LineHandler = Callable[[str], None]
Cwd = str | os.PathLike[str] | None
TAIL_LINES = 40
FOLLOW_EVERY = 0.05  # how often a child's output files are read: its lines reach the user this late
Sinks = tuple[Sink, Sink]
# Ctrl-C: Terraform gets longer than a deadline's SIGINT grace to stop cleanly and write its state.
INTERRUPT_GRACE = (30.0, 5.0)


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
    outlive: bool = False,
    holding: int | None = None,
) -> Result:
    """Run argv, stream stdout lines to on_line, keep stderr's tail; raise CommandError on failure.

    With a timeout the child's process group is stopped when it expires (DeadlineExceeded when
    check is set); heartbeat(elapsed) is called every HEARTBEAT_EVERY seconds while it runs.
    Ctrl-C is forwarded to the child once so tools like Terraform release their locks. A umask
    (e.g. 0o077) makes every file the child writes private to the user. With outlive the child
    writes to files instead of pipes, so it finishes its work even if lab is killed (Terraform).
    `holding` is a descriptor the child inherits, e.g. of a flock, which it then holds until it
    ends, even if lab is killed before it.
    """
    argv = [str(a) for a in argv]
    sinks = (Sink(), Sink()) if outlive else None
    proc = _spawn(argv, cwd, env, stdin_data is not None, umask, sinks, holding)
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    watchdog = Watchdog(proc, timeout, heartbeat)
    try:
        if sinks:
            out = _follow(proc, sinks, on_line, stdin_data, tail, on_stderr)
        else:
            out = _through_pipes(proc, on_line, stdin_data, tail, on_stderr)
    except KeyboardInterrupt:
        stop_group(proc, grace=INTERRUPT_GRACE)
        raise
    finally:
        watchdog.finish()
    result = Result(argv, proc.returncode, "".join(out), redact("".join(tail)), watchdog.expired)
    if check and watchdog.expired:
        raise DeadlineExceeded(argv, float(timeout or 0), result.stderr_tail)
    if check and proc.returncode != 0:
        raise CommandError(argv, proc.returncode, result.stderr_tail or redact(result.stdout[-4000:]))
    return result


def spawn(argv: Sequence[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """A child left running, stdout and stderr piped, in its own process group: for one that
    lives beside lab (background.held), which must stop it with watchdog.stop_group."""
    return _spawn([str(a) for a in argv], None, env, False, -1, None)


def _spawn(
    argv: list[str],
    cwd: Cwd,
    env: Mapping[str, str] | None,
    has_stdin: bool,
    umask: int,
    sinks: Sinks | None,
    holding: int | None = None,
) -> subprocess.Popen[str]:
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            text=True,
            bufsize=1,
            stdin=subprocess.PIPE if has_stdin else subprocess.DEVNULL,
            stdout=sinks[0].write_fd if sinks else subprocess.PIPE,
            stderr=sinks[1].write_fd if sinks else subprocess.PIPE,
            # Its own group: a deadline or Ctrl-C reaches the child's children (providers) too.
            start_new_session=True,
            umask=umask,
            pass_fds=() if holding is None else (holding,),
        )
    except FileNotFoundError as exc:
        for sink in sinks or ():
            sink.close()
        raise InfraError(f"{argv[0]}: command not found", f"install {argv[0]} (see `lab doctor`)") from exc
    finally:
        for sink in sinks or ():
            sink.handed_over()
    return proc


def _through_pipes(
    proc: subprocess.Popen[str],
    on_line: LineHandler | None,
    stdin_data: str | None,
    tail: collections.deque[str],
    on_stderr: LineHandler | None,
) -> list[str]:
    drain = threading.Thread(target=_drain, args=(proc, tail, on_stderr), daemon=True)
    drain.start()
    out = _pump(proc, on_line, stdin_data)
    drain.join()
    return out


def _follow(
    proc: subprocess.Popen[str],
    sinks: Sinks,
    on_line: LineHandler | None,
    stdin_data: str | None,
    tail: collections.deque[str],
    on_stderr: LineHandler | None,
) -> list[str]:
    """Reads both files as the child writes them, until it ends."""
    _feed(proc, stdin_data)
    out: list[str] = []
    try:
        while True:
            ended = proc.poll() is not None  # before reading: what it wrote last is then read too
            out += _handled(sinks[0].lines(ended), on_line)
            tail.extend(_handled(sinks[1].lines(ended), on_stderr))
            if ended:
                return out
            time.sleep(FOLLOW_EVERY)
    finally:
        for sink in sinks:
            sink.close()


def _handled(lines: Iterable[str], handler: LineHandler | None) -> list[str]:
    kept = []
    for line in lines:
        kept.append(line)
        if handler:
            handler(line.rstrip("\n"))
    return kept


def _feed(proc: subprocess.Popen[str], stdin_data: str | None) -> None:
    if stdin_data is not None and proc.stdin:
        proc.stdin.write(stdin_data)
        proc.stdin.close()


def _pump(proc: subprocess.Popen[str], on_line: LineHandler | None, stdin_data: str | None) -> list[str]:
    _feed(proc, stdin_data)
    assert proc.stdout is not None
    out = _handled(proc.stdout, on_line)
    proc.wait()
    return out


def _drain(proc: subprocess.Popen[str], tail: collections.deque[str], on_stderr: LineHandler | None) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        tail.append(line)
        if on_stderr:
            on_stderr(line.rstrip("\n"))
