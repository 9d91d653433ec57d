"""Per-instance state: an atomic JSON record, a write-ahead ledger, secrets and a lock (all 0600)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.core import paths
from provisioner.core.errors import BusyError, UsageError
from provisioner.core.instance_state import InstanceState, migrate

DEFAULT_INSTANCE = "default"


@dataclass(frozen=True)
class InstanceRef:
    lab: str
    instance: str = DEFAULT_INSTANCE

    @property
    def key(self) -> str:
        return f"{self.lab}/{self.instance}"


def instances_root() -> Path:
    return paths.lab_home() / "instances"


def check_instance_name(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", name):
        raise UsageError(f"bad instance name {name!r}: use lowercase letters, digits and '-' (max 31)")
    return name


def instance_ref(lab_id: str, instance: str) -> InstanceRef:
    """The instance a user named, its name checked."""
    return InstanceRef(lab_id, check_instance_name(instance))


def write_private(path: Path, text: str) -> None:
    """Atomically replace path with text, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Unique per thread too: cohorts and smoke runs write from several threads of one process.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def make_private(folder: Path) -> None:
    """Owner-only modes for everything below folder (tools that ignore the umask, e.g. ansible-runner)."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        private = 0o700 if path.is_dir() else (0o700 if mode & 0o100 else 0o600)
        if mode & 0o777 != private:
            path.chmod(private)


class Store:
    """The state folder of one instance. Only the lock holder writes to it."""

    def __init__(self, ref: InstanceRef, root: Path | None = None) -> None:
        self.ref = ref
        self.dir = (root or instances_root()) / ref.lab / ref.instance

    def exists(self) -> bool:
        return (self.dir / "state.json").exists() or (self.dir / "ledger.jsonl").exists()

    def load(self) -> InstanceState:
        """The typed record, migrated from whichever version wrote it; blank when absent or torn."""
        blank = InstanceState(lab=self.ref.lab, instance=self.ref.instance)
        try:
            data = json.loads((self.dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return blank
        if not isinstance(data, dict):
            return blank
        try:
            return InstanceState.model_validate(migrate(data))
        except ValidationError:
            return blank

    def update(self, **fields: Any) -> InstanceState:
        """Set fields (names checked against InstanceState) and write the record atomically."""
        state = InstanceState.model_validate(self.load().model_dump() | fields | {"updated": time.time()})
        write_private(self.dir / "state.json", json.dumps(state.model_dump(mode="json"), indent=2, sort_keys=True))
        return state

    def record(self, event: str, **fields: Any) -> None:
        """Append to the write-ahead ledger and fsync before the caller acts."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        line = json.dumps({"ts": round(time.time(), 3), "event": event, **fields}, sort_keys=True)
        fd = os.open(self.dir / "ledger.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def ledger(self) -> list[dict[str, Any]]:
        try:
            lines = (self.dir / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        # A crash can leave a torn last line: everything before it is still good.
        return [json.loads(line) for line in lines if line.strip().endswith("}")]

    def secrets(self) -> dict[str, str]:
        try:
            return dict(json.loads((self.dir / "secrets.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def save_secrets(self, secrets: dict[str, str]) -> None:
        write_private(self.dir / "secrets.json", json.dumps(secrets, indent=2, sort_keys=True))

    def path(self, *parts: str) -> Path:
        return self.dir.joinpath(*parts)

    def forget(self) -> None:
        """Remove the state folder; the lock file goes last so no one races into a half-deleted folder."""
        for child in self.dir.iterdir() if self.dir.exists() else []:
            if child.name != "lock":
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        with contextlib.suppress(OSError):
            (self.dir / "lock").unlink()
            self.dir.rmdir()
            self.dir.parent.rmdir()

    def busy(self) -> bool:
        """Whether a lab process holds this instance's lock right now."""
        try:
            with self.lock("gc"):
                return False
        except BusyError:
            return True

    @contextlib.contextmanager
    def lock(self, action: str) -> Iterator[None]:
        """Hold the instance lock; a second process fails at once. The kernel drops it if we die."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another lab process"
                raise BusyError(
                    f"{self.ref.key} is busy: {holder}",
                    "wait for it to finish, or stop that process (its lock goes with it)",
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"`lab {action}` (pid {os.getpid()}) holds it".encode(), 0)
            yield
        finally:
            os.close(fd)


def all_instances(root: Path | None = None) -> list[InstanceRef]:
    base = root or instances_root()
    refs = [InstanceRef(p.parent.parent.name, p.parent.name) for p in base.glob("*/*/state.json")]
    refs += [InstanceRef(p.parent.parent.name, p.parent.name) for p in base.glob("*/*/ledger.jsonl")]
    return sorted(set(refs), key=lambda r: r.key)
