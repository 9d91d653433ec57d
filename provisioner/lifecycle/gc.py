"""`lab gc`: what each backend made for this state root whose instance no longer exists, instances
a killed `lab up` or `lab down` left half done, expired instances, superseded lab images, and
Terraform inits kept for modules no instance uses any more."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from provisioner import backends
from provisioner.backends.base import Orphan
from provisioner.backends.common import images, tfinit
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.core.report import Reporter
from provisioner.core.state import Store, all_instances
from provisioner.lifecycle.down import down

# What a state says while `lab up` or `lab down` works; with no lab process holding the instance,
# that process was killed (kill -9, a lost terminal, a reboot) and nothing will finish its work.
UNFINISHED = ("creating", "destroying")


@dataclass
class Collected:
    """What `lab gc` found, and whether it removed it."""

    orphans: list[Orphan] = field(default_factory=list)
    interrupted: list[dict[str, Any]] = field(default_factory=list)
    expired: list[dict[str, Any]] = field(default_factory=list)
    stale_images: list[str] = field(default_factory=list)
    terraform_inits: list[str] = field(default_factory=list)
    removed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def collect(yes: bool, expired_too: bool, old_images: bool, report: Reporter, run: Runner = proc.run) -> Collected:
    """Find what is left behind; with `yes`, tear down interrupted and expired instances (their
    own `down`, from state) and have each backend remove its orphans."""
    kept = tfinit.unused()
    found = Collected(orphans(run), interrupted(), expired() if expired_too else [], removed=yes)
    found.stale_images = stale_images(run) if old_images else []
    found.terraform_inits = [str(folder) for folder in kept]
    if yes:
        for row in found.interrupted + found.expired:
            down(row["lab"], row["instance"], report)
        remove(found.orphans, run)
        remove_images(found.stale_images, run)
        tfinit.remove(kept)
    return found


def interrupted() -> list[dict[str, Any]]:
    """Instances whose `lab up` or `lab down` was killed midway: state says unfinished, and no
    lab process holds them."""
    rows = []
    for ref in all_instances():
        store = Store(ref)
        status = store.load().status
        if status in UNFINISHED and not store.busy():
            rows.append({"lab": ref.lab, "instance": ref.instance, "status": status})
    return rows


def orphans(run: Runner = proc.run) -> list[Orphan]:
    """Every backend's resources labelled by this state root whose instance has no state."""
    known = {ref.key for ref in all_instances()}
    return [item for backend in backends.every(run) for item in backend.orphans(known)]


def remove(found: list[Orphan], run: Runner = proc.run) -> None:
    """Have each backend remove its own rows of `found`."""
    for backend in backends.every(run):
        backend.remove_orphans([item for item in found if item.get("backend") == backend.name])


def expired(now: float | None = None) -> list[dict[str, Any]]:
    """Instances whose --ttl has run out, with how long ago."""
    now = now or time.time()
    rows = []
    for ref in all_instances():
        expires = Store(ref).load().expires
        if expires and expires < now:
            rows.append({"lab": ref.lab, "instance": ref.instance, "expired_seconds_ago": round(now - expires)})
    return rows


def stale_images(run: Runner = proc.run) -> list[str]:
    """lab/<name>:<hash> images whose hash no longer matches images/<name>/ (superseded builds)."""
    return images.stale(run)


def remove_images(refs: list[str], run: Runner = proc.run) -> None:
    """Remove superseded lab images."""
    images.remove(run, refs)
