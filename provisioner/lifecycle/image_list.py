"""`lab images list`: each container image of the given labs, here and in the registry."""

from __future__ import annotations

from typing import Any

from provisioner.backends.common import images, remote
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.lifecycle.images import container_images, selected, tag_or_none


def listing(lab_ids: list[str], run: Runner = proc.run) -> list[dict[str, Any]]:
    """One row per image: its current tag, `local` present / stale (only older builds here) /
    missing, and `remote` present / missing / unknown (with why) when a registry is set."""
    names = container_images(selected(lab_ids))
    base_here = images.exists(images.BASE, run)
    return [_row(name, base_here, run) for name in names]


def _row(name: str, base_here: bool, run: Runner) -> dict[str, Any]:
    if not base_here:
        return {"image": name, "tag": None, "local": "missing (no base image yet)", "remote": "unknown"}
    tag = tag_or_none(name, run)
    if tag is None:
        return {"image": name, "tag": None, "local": "not buildable here", "remote": "unknown"}
    row = {"image": name, "tag": tag, "local": _local(name, tag, run)}
    return row | ({"remote": remote.state(tag, run)} if remote.registry() else {})


def _local(name: str, tag: str, run: Runner) -> str:
    if images.exists(tag, run):
        return "present"
    argv = ["docker", "images", "--filter", f"reference=lab/{name}", "--format", "{{.Tag}}"]
    return "stale (older builds only)" if run(argv, timeout=60).stdout.split() else "missing"
