"""How checks reach the sandbox: a command inside a host (or on this machine), and a short quote of
what came back. Shared by the check kinds, so each stays a few lines."""

from __future__ import annotations

import os
from contextvars import ContextVar

from provisioner.checks.types import CheckEnv
from provisioner.core.templating import render

# ssh's own exit code when it cannot reach the host: the command never ran, so a failure says
# nothing about what the check looks at. Set by the attempt that saw it (each check runs in its
# own context), read by the runner.
UNREACHED_EXIT = 255
unreached: ContextVar[bool] = ContextVar("unreached", default=False)


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def run_in(env: CheckEnv, host: str | None, argv: list[str], timeout: float) -> tuple[int, str]:
    argv = [render(a, env.values) for a in argv]
    if host:  # killing the local `docker exec`/`ssh` client would leave the process running in the sandbox
        argv = ["timeout", "--kill-after=2", f"{timeout:g}", *argv]
    full = env.exec_argv(host, argv) if host else argv
    extra = {"env": os.environ | env.machine_env} if env.machine_env and not host else {}
    result = env.run(full, check=False, timeout=timeout + 5 if host else timeout, **extra)
    out = (result.stdout or "") + (result.stderr_tail or "")
    if host and result.returncode == UNREACHED_EXIT:
        unreached.set(True)
        # ssh says nothing at its quiet log level when the server closes the connection after
        # its greeting: name what happened (`lab diagnostics` keeps a verbose login attempt).
        out = out or "ssh: the host closed the connection before login"
    if result.returncode in (124, 137, -9):
        out = f"timed out after {timeout:g} s; {out}"
    return result.returncode, out
