"""`lab gc`: find labelled Docker resources whose instance no longer exists, and expired instances."""

from __future__ import annotations

import time
from typing import Any

from .backends.docker import LABEL_INSTANCE, labelled
from .proc import run
from .state import Store, all_instances


def orphans() -> list[dict[str, str]]:
    """Resources labelled by this tool whose instance has no state; unlabelled ones are never listed."""
    known = {ref.key for ref in all_instances()}
    found = []
    for kind in ("container", "network", "volume"):
        # The instance label, not the tool label: images carry org.lab.tool, and containers inherit it.
        for rid in labelled(kind, LABEL_INSTANCE):
            owner = _label(kind, rid)
            if owner not in known:
                found.append({"kind": kind, "id": rid, "instance": owner})
    return found


def _label(kind: str, rid: str) -> str:
    fmt = (
        '{{ index .Labels "' + LABEL_INSTANCE + '" }}'
        if kind != "container"
        else '{{ index .Config.Labels "' + LABEL_INSTANCE + '" }}'
    )
    cmd = {"container": ["container", "inspect"], "network": ["network", "inspect"], "volume": ["volume", "inspect"]}
    return run(["docker", *cmd[kind], "--format", fmt, rid], check=False, timeout=30).stdout.strip()


def remove(found: list[dict[str, str]]) -> None:
    order = {"container": 0, "network": 1, "volume": 2}
    rm = {"container": ["rm", "-f", "-v"], "network": ["network", "rm"], "volume": ["volume", "rm", "-f"]}
    for item in sorted(found, key=lambda i: order[i["kind"]]):
        run(["docker", *rm[item["kind"]], item["id"]], check=False, timeout=120)


def expired(now: float | None = None) -> list[dict[str, Any]]:
    now = now or time.time()
    rows = []
    for ref in all_instances():
        expires = Store(ref).read().get("expires")
        if expires and expires < now:
            rows.append({"lab": ref.lab, "instance": ref.instance, "expired_seconds_ago": round(now - expires)})
    return rows
