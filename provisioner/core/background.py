"""A child that lives beside lab while it works (a `kubectl port-forward` held open while checks
run): started through proc.spawn, ready once it prints a line that says so, and always stopped
with its whole process group when the block ends, by an error, Ctrl-C or a normal return."""

from __future__ import annotations

import collections
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from subprocess import Popen
from typing import IO

from provisioner.core import proc
from provisioner.core.errors import CommandError, DeadlineExceeded
from provisioner.core.redact import redact
from provisioner.core.watchdog import stop_group

# SIGINT, then SIGTERM, each given this long: such a child holds no state worth a longer wait.
STOP_GRACE = (2.0, 2.0)


@contextmanager
def held(
    argv: Sequence[str], ready: re.Pattern[str], seconds: float, env: Mapping[str, str] | None = None
) -> Iterator[re.Match[str]]:
    """Start argv and yield the first stdout line's match of `ready`; the child runs until the
    block ends. CommandError when it exits first, DeadlineExceeded when `seconds` pass first."""
    child = proc.spawn(argv, env)
    try:
        yield _ready(child, [str(a) for a in argv], ready, seconds)
    finally:
        stop_group(child, grace=STOP_GRACE)


def _ready(child: Popen[str], argv: list[str], ready: re.Pattern[str], seconds: float) -> re.Match[str]:
    lines: queue.Queue[str | None] = queue.Queue()
    tail: collections.deque[str] = collections.deque(maxlen=proc.TAIL_LINES)
    # Both pipes are read until the child ends, so a chatty child never blocks on a full pipe.
    threading.Thread(target=_lines, args=(child.stdout, lines.put), daemon=True).start()
    errors = threading.Thread(target=tail.extend, args=(child.stderr or (),), daemon=True)
    errors.start()
    found, ended = _first(lines, ready, seconds)
    if found is not None:
        return found
    if not ended:
        raise DeadlineExceeded(argv, seconds, redact("".join(tail)))
    child.wait()
    errors.join(timeout=1)  # what it said last, usually why it ended
    raise CommandError(argv, child.returncode, redact("".join(tail)))


def _first(lines: queue.Queue[str | None], ready: re.Pattern[str], seconds: float) -> tuple[re.Match[str] | None, bool]:
    """The match of the first line that matches, else None and whether stdout closed (the child
    ended) rather than `seconds` passing."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            return None, True
        if found := ready.search(line):
            return found, False
    return None, False


def _lines(stream: IO[str] | None, put: Callable[[str | None], None]) -> None:
    """Each line, then None once the stream closes."""
    for line in stream or ():
        put(line)
    put(None)
