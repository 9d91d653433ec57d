"""What `lab doctor` reports: one finding per thing checked, each failing one with its fix."""

from __future__ import annotations

from typing import TypedDict


class Finding(TypedDict):
    name: str
    ok: bool
    detail: str
    fix: str
    optional: bool  # a failure that only limits what runs here (reported as skip)


def finding(name: str, ok: bool, detail: str, fix: str = "", optional: bool = False) -> Finding:
    return {"name": name, "ok": ok, "detail": detail, "fix": fix, "optional": optional}
