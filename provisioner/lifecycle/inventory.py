"""Read-only views over all instances: what `lab status` and `lab show` print."""

from __future__ import annotations

import time
from typing import Any

from provisioner.core.state import InstanceRef, Store, all_instances
from provisioner.definitions import catalog


def status() -> list[dict[str, Any]]:
    return [_row(ref) for ref in all_instances()]


def _row(ref: InstanceRef) -> dict[str, Any]:
    state = Store(ref).load()
    return {
        "lab": ref.lab,
        "instance": ref.instance,
        "state": state.status or "unknown",
        "backend": state.backend,
        "endpoints": state.endpoints,
        # What a learner types after `docker stop`/`docker exec`: names carry their owner.
        "containers": {h: v["container"] for h, v in state.hosts.items() if "container" in v},
        "student": state.student,
        "created": state.created,
        "age_seconds": round(time.time() - state.created) if state.created else None,
        "expires": state.expires,
        "error": state.error,
        "exercises": {name: p.model_dump() for name, p in state.exercises.items()},
    }


def show(lab_id: str, secrets: bool = False) -> dict[str, Any]:
    lab = catalog.load(lab_id)
    data = lab.model_dump(mode="json", exclude_none=True)
    data["instances"] = [r for r in status() if r["lab"] == lab_id]
    if secrets:
        for row in data["instances"]:
            row["secrets"] = Store(InstanceRef(lab_id, row["instance"])).secrets()
    return data
