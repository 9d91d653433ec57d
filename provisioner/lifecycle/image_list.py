"""`lab images list`: each container image of the given labs, here and in the registry."""

from __future__ import annotations

from typing import Any

from provisioner.backends.common import images, remote
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.core.errors import UsageError
from provisioner.definitions import catalog
from provisioner.lifecycle.images import DEFAULT_BACKENDS


def listing(lab_ids: list[str], run: Runner = proc.run) -> list[dict[str, Any]]:
    """One row per image: its current tag, `local` present / stale (only older builds here) /
    missing, and `remote` present / missing / unknown (with why) when a registry is set."""
    ids = lab_ids or [s["id"] for s in catalog.summaries() if s["backend"] in DEFAULT_BACKENDS]
    names = list(dict.fromkeys(c.image for i in ids for c in catalog.load(i).sandbox.components if c.image))
    base_here = images.exists(images.BASE, run)
    return [_row(name, base_here, run) for name in names]


def _row(name: str, base_here: bool, run: Runner) -> dict[str, Any]:
    try:
        tag = images.tag_for(name, run) if base_here else None
    except UsageError:  # an optional component with no folder here
        return {"image": name, "tag": None, "local": "not buildable here", "remote": "unknown"}
    if tag is None:
        return {"image": name, "tag": None, "local": "missing (no base image yet)", "remote": "unknown"}
    row = {"image": name, "tag": tag, "local": _local(name, tag, run)}
    return row | ({"remote": remote.state(tag, run)} if remote.registry() else {})


def _local(name: str, tag: str, run: Runner) -> str:
    if images.exists(tag, run):
        return "present"
    argv = ["docker", "images", "--filter", f"reference=lab/{name}", "--format", "{{.Tag}}"]
    return "stale (older builds only)" if run(argv, timeout=60).stdout.split() else "missing"
