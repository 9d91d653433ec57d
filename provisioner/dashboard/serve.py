"""`lab cohort serve`: the page's server (uvicorn) on a socket bound here, so that a taken port
is a clear error before anything starts, and the background checks stopped with it."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

from provisioner.cohort import run as cohort
from provisioner.core.errors import UsageError
from provisioner.dashboard.board import Board
from provisioner.dashboard.guard import is_loopback, new_token
from provisioner.dashboard.web import make_app
from provisioner.dashboard.work import Worker


@dataclass
class Served:
    url: str  # with the token, when one is needed: print it once
    log: Path


def serve(
    lab_id: str,
    bind: str,
    port: int,
    interval: float,
    token_file: Path | None,
    on_ready: Callable[[Served], None],
    on_stopping: Callable[[dict[str, str]], None],
) -> None:
    """Serve until interrupted. A token is required on any address but loopback."""
    if not cohort.members(lab_id):
        raise UsageError(f"{lab_id} has no cohort here", f"start one with `lab cohort up {lab_id} --roster FILE`")
    token = _token(token_file) if token_file or not is_loopback(bind) else None
    sock = _bind(bind, port)
    log = cohort.folder(lab_id) / "dashboard.log"
    worker = Worker(Board(lab_id, interval), log)
    config = uvicorn.Config(make_app(worker, token, new_token()), log_level="warning", timeout_graceful_shutdown=2)
    worker.start()
    try:
        on_ready(Served(_url(sock, token), log))
        _Server(config, worker.board.stopping).run(sockets=[sock])
    finally:
        sock.close()
        on_stopping(dict(worker.board.busy))
        worker.stop()


class _Server(uvicorn.Server):
    """Ctrl-C ends the pages' event streams first: uvicorn's graceful shutdown waits for them."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().handle_exit(sig, frame)


def _token(token_file: Path | None) -> str:
    if token_file is None:
        return new_token()
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(f"{token_file}: cannot read the token file ({exc.strerror})") from exc
    if len(token) < 16:
        raise UsageError(f"{token_file}: the token must be at least 16 characters long")
    return token


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is taken", "pick another with --port (0: any free one)") from exc
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror})", "check --bind") from exc
    sock.listen(64)
    return sock


def _url(sock: socket.socket, token: str | None) -> str:
    host, port = sock.getsockname()[:2]
    if ipaddress.ip_address(host).is_unspecified:  # every address: the one others know us by
        host = socket.getfqdn()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
