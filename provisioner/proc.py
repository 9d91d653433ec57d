"""The one subprocess chokepoint: argv lists only, output streamed, failures typed."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import CommandError, InfraError
from .redact import redact

LineHandler = Callable[[str], None]
TAIL_LINES = 40


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr_tail: str


def run(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    on_line: LineHandler | None = None,
    on_stderr: LineHandler | None = None,
    check: bool = True,
    stdin_data: str | None = None,
    timeout: float | None = None,
) -> Result:
    """Run argv, stream stdout lines to on_line, keep stderr's tail; raise CommandError on failure.

    Ctrl-C is forwarded to the child once so tools like Terraform release their locks.
    """
    argv = [str(a) for a in argv]
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            text=True,
            bufsize=1,
            stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise InfraError(f"{argv[0]}: command not found", f"install {argv[0]} (see `lab doctor`)") from exc
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    drain = threading.Thread(target=_drain, args=(proc, tail, on_stderr), daemon=True)
    drain.start()
    out = _pump(proc, on_line, stdin_data, timeout)
    drain.join()
    result = Result(argv, proc.returncode, "".join(out), redact("".join(tail)))
    if check and proc.returncode != 0:
        raise CommandError(argv, proc.returncode, result.stderr_tail or redact(result.stdout[-4000:]))
    return result


def _pump(
    proc: subprocess.Popen[str], on_line: LineHandler | None, stdin_data: str | None, timeout: float | None
) -> list[str]:
    out: list[str] = []
    timer = threading.Timer(timeout, proc.kill) if timeout else None
    try:
        if timer:
            timer.start()
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
        _interrupt(proc)
        raise
    finally:
        if timer:
            timer.cancel()
    return out


def _drain(proc: subprocess.Popen[str], tail: collections.deque[str], on_stderr: LineHandler | None) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        tail.append(line)
        if on_stderr:
            on_stderr(line.rstrip("\n"))


def _interrupt(proc: subprocess.Popen[str]) -> None:
    """Forward one SIGINT to the child's group, give it time to clean up, then kill it."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
