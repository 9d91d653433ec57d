"""A locked host-port allocator, so parallel instances never collide, and who owns a taken port."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from provisioner.core import paths
from provisioner.core.errors import InfraError
from provisioner.core.state import write_private

LOW = int(os.environ.get("LAB_PORT_MIN", "20000"))
HIGH = int(os.environ.get("LAB_PORT_MAX", "29999"))


def table_file() -> Path:
    """One table for every state root of this user on this machine (LAB_PORTS_FILE overrides):
    two state roots with tables of their own handed out the same free port, and the later
    container or VM then failed to bind it."""
    default = Path.home() / ".local" / "state" / "lab-ports.json"
    return Path(os.environ.get("LAB_PORTS_FILE", default))


@contextlib.contextmanager
def _table() -> Iterator[dict[str, list[str]]]:
    """port -> [state root, instance key, endpoint name], read and written under one lock."""
    file = table_file()
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(file.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        table = json.loads(file.read_text()) if file.exists() else {}
        _adopt_legacy(table)
        yield table
        write_private(file, json.dumps(table, indent=1, sort_keys=True))


def _adopt_legacy(table: dict[str, list[str]]) -> None:
    """Take over this state root's own table of earlier versions ([instance, endpoint] rows)."""
    legacy = paths.lab_home() / "ports.json"
    with contextlib.suppress(OSError, ValueError):
        for port, (key, name) in json.loads(legacy.read_text()).items():
            table.setdefault(port, [_home(), key, name])
        legacy.unlink()


def _home() -> str:
    return str(paths.lab_home().resolve())


def _gone(row: list[str]) -> bool:
    """A row whose instance has no state folder any more (its root deleted, a test's temp folder)."""
    home, key = Path(row[0]), row[1]
    return not (home / "instances" / key).is_dir()


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
        for stale in [p for p, row in table.items() if _gone(row)]:
            del table[stale]
        here = _home()
        mine = {name: int(port) for port, (home, key, name) in table.items() if (home, key) == (here, owner)}
        port = LOW
        for name in names:
            if name in mine:
                continue
            while str(port) in table or not is_free(port, address):
                port += 1
                if port > HIGH:
                    raise InfraError(f"no free port left in {LOW}-{HIGH}", "set LAB_PORT_MIN/LAB_PORT_MAX")
            table[str(port)] = [here, owner, name]
            mine[name] = port
        return {name: mine[name] for name in names}


def release(owner: str) -> None:
    with _table() as table:
        here = _home()
        for port in [p for p, (home, key, _n) in table.items() if (home, key) == (here, owner)]:
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
