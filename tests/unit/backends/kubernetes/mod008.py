"""mod-008 as one student's namespace: its images and generated secrets, and a finder."""

from __future__ import annotations

from typing import Any

IMAGES = {name: f"lab/{name}:0123abcd" for name in ("postgres", "redis", "workstation")}
SECRETS = {
    "postgres_password": "Pg-9f8e7d6c5b4a",
    "redis_password": "Rd-1a2b3c4d5e6f",
    "learner_password": "Le-0f1e2d3c4b5a",
    "app_password": "Ap-a1b2c3d4e5f6",
}


def find(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    """The one object of that kind (and name)."""
    found = [o for o in objects if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(found) == 1, f"{len(found)} {kind} objects named {name}"
    return found[0]
