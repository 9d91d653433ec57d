"""`lab gc`: find labelled Docker resources whose instance no longer exists, and expired instances."""

from __future__ import annotations

import time
from typing import Any

from provisioner.backends.docker.backend import LABEL_INSTANCE, LIST, REMOVE, home_label, labelled
from provisioner.core.proc import run
from provisioner.core.state import Store, all_instances


def orphans() -> list[dict[str, str]]:
    """Resources this state root labelled whose instance has no state; nothing else is ever listed."""
    known = {ref.key for ref in all_instances()}
    found = []
    for kind in LIST:
        # The instance label, not the tool label: images carry org.lab.tool, and containers inherit it.
        for line in labelled(kind, LABEL_INSTANCE, home_label(), show=LABEL_INSTANCE):
            rid, _, owner = line.partition(" ")
            if owner not in known:
                found.append({"kind": kind, "id": rid, "instance": owner})
    return found


def remove(found: list[dict[str, str]]) -> None:
    for item in sorted(found, key=lambda i: list(REMOVE).index(i["kind"])):
        run(["docker", *REMOVE[item["kind"]], item["id"]], check=False, timeout=120)


def expired(now: float | None = None) -> list[dict[str, Any]]:
    now = now or time.time()
    rows = []
    for ref in all_instances():
        expires = Store(ref).read().get("expires")
        if expires and expires < now:
            rows.append({"lab": ref.lab, "instance": ref.instance, "expired_seconds_ago": round(now - expires)})
    return rows


def stale_images() -> list[str]:
    """lab/<name>:<hash> images whose hash no longer matches images/<name>/ (superseded builds)."""
    from provisioner.backends.common import images

    out = run(
        ["docker", "images", "--filter", "label=org.lab.image", "--format", "{{.Repository}}:{{.Tag}}"], timeout=60
    ).stdout.split()
    current = {}
    stale = []
    for ref in out:
        name = ref.split("/", 1)[-1].split(":", 1)[0]
        if name not in current:
            try:
                current[name] = images.tag_for(name)
            except Exception:  # the folder is gone: every build of it is stale
                current[name] = ""
        if ref != current[name]:
            stale.append(ref)
    return stale


def remove_images(refs: list[str]) -> None:
    if refs:
        run(["docker", "rmi", *refs], check=False, timeout=300)
