"""Read-only views over all instances: what `lab status` and `lab show` print."""

from __future__ import annotations

import time
from typing import Any

from provisioner.core.state import Store, all_instances
from provisioner.definitions import catalog


def status() -> list[dict[str, Any]]:
    rows = []
    for ref in all_instances():
        state = Store(ref).read()
        rows.append(
            {
                "lab": ref.lab,
                "instance": ref.instance,
                "state": state.get("status", "unknown"),
                "backend": state.get("backend"),
                "endpoints": state.get("endpoints") or {},
                "student": state.get("student"),
                "created": state.get("created"),
                "age_seconds": round(time.time() - state["created"]) if state.get("created") else None,
                "expires": state.get("expires"),
                "error": state.get("error"),
                "exercises": state.get("exercises") or {},
            }
        )
    return rows


def show(lab_id: str, secrets: bool = False) -> dict[str, Any]:
    lab = catalog.load(lab_id)
    data = lab.model_dump(mode="json", exclude_none=True)
    data["instances"] = [r for r in status() if r["lab"] == lab_id]
    if secrets:
        for row in data["instances"]:
            from provisioner.core.state import InstanceRef

            row["secrets"] = Store(InstanceRef(lab_id, row["instance"])).secrets()
    return data
