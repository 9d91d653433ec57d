"""`lab gc`: what each backend made for this state root whose instance no longer exists, expired
instances, and superseded lab images."""

from __future__ import annotations

import time
from typing import Any

from provisioner import backends
from provisioner.backends.base import Orphan
from provisioner.backends.common import images
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.core.state import Store, all_instances


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
