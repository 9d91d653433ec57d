"""A locked host-port allocator, so parallel instances never collide, and who owns a taken port."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from . import paths
from .state import write_private

LOW = int(os.environ.get("LAB_PORT_MIN", "20000"))
HIGH = int(os.environ.get("LAB_PORT_MAX", "29999"))


@contextlib.contextmanager
def _table() -> Iterator[dict[str, list[str]]]:
    """port -> [instance key, endpoint name], read and written under one machine-wide lock."""
    home = paths.lab_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(home / "ports.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        file = home / "ports.json"
        table = json.loads(file.read_text()) if file.exists() else {}
        yield table
        write_private(file, json.dumps(table, indent=1, sort_keys=True))


def is_free(port: int, address: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def allocate(owner: str, names: list[str], address: str = "127.0.0.1") -> dict[str, int]:
    """Stable ports per (instance, endpoint): an instance keeps its ports across `up` runs."""
    with _table() as table:
        mine = {name: int(port) for port, (key, name) in table.items() if key == owner}
        port = LOW
        for name in names:
            if name in mine:
                continue
            while str(port) in table or not is_free(port, address):
                port += 1
                if port > HIGH:
                    from .errors import InfraError

                    raise InfraError(f"no free port left in {LOW}-{HIGH}", "set LAB_PORT_MIN/LAB_PORT_MAX")
            table[str(port)] = [owner, name]
            mine[name] = port
        return {name: mine[name] for name in names}


def release(owner: str) -> None:
    with _table() as table:
        for port in [p for p, (key, _n) in table.items() if key == owner]:
            del table[port]


def owner_of(port: int) -> str | None:
    """'pid 123 (nginx)' for a listening TCP port, read from /proc; None where that cannot be told."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(name).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                    inodes.add(fields[9])
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in {f"socket:[{i}]" for i in inodes}:
                    return f"pid {proc.name} ({(proc / 'comm').read_text().strip()})"
    return None
