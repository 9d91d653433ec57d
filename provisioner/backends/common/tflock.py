"""One Terraform at a time in a working directory, even across a killed `lab`.

Terraform outlives a killed `lab` on purpose (core/sinks.py): it finishes its apply and records
what it made. The next command on that sandbox must not act beside it: a label sweep would remove
the network it is about to attach a container to, a new apply would race it for the state. So
each Terraform run inherits a flock on a file of its working directory and holds it as long as it
(and its providers) run, whoever started it; the next run, or a `down`, waits for it first."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from provisioner.core.errors import InfraError

LOCK = ".lab-terraform.lock"
POLL = 0.2


@contextlib.contextmanager
def held(workdir: Path, timeout: float, say: Callable[[str], None]) -> Iterator[int]:
    """The lock's descriptor, for the Terraform run to inherit; waits up to `timeout` seconds."""
    fd = os.open(workdir / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        _acquire(fd, workdir, timeout, say)
        yield fd
    finally:
        os.close(fd)


def settle(workdir: Path, timeout: float, say: Callable[[str], None]) -> None:
    """Return once no Terraform runs in `workdir` (at once when none does)."""
    if workdir.is_dir():
        with held(workdir, timeout, say):
            pass


def _acquire(fd: int, workdir: Path, timeout: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise InfraError(
                    f"Terraform left running by an interrupted run is still busy after {timeout:.0f} s in {workdir}",
                    f"stop it (`pkill -INT -f -- '-chdir={workdir}'`), then run the command again",
                ) from None
            if not told:
                say("waiting for the Terraform run an interrupted command left going to finish")
                told = True
            time.sleep(POLL)
