"""Turn a parsed definition into a Lab, collecting schema and cross-reference problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.core import paths
from provisioner.definitions import bakeable
from provisioner.definitions.model import Check, Lab
from provisioner.definitions.references import template_problems
from provisioner.definitions.sandbox import BACKENDS, NOT_ON_BACKEND, endpoint_names


def validate_data(data: Any, file: Path, where: str) -> tuple[Lab | None, list[str]]:
    try:
        lab = Lab.model_validate(data)
    except ValidationError as exc:
        return None, [f"{where}: {_located(e)}" for e in exc.errors()]
    problems = [f"{where}: {p}" for p in cross_references(lab, file.parent)]
    return (None if problems else lab), problems


def _located(error: Any) -> str:
    """'path: message'. The backend's name (the union's tag) is left out of the path."""
    loc, backend = list(error["loc"]), None
    if len(loc) > 1 and loc[0] == "sandbox" and loc[1] in BACKENDS:
        backend = loc.pop(1)
    if error["type"] == NOT_ON_BACKEND:
        return f"{_loc(loc)}: not a key of {backend} components (see docs/writing-labs.md)"
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        shown = f" (got {error['ctx']['tag']!r})" if error["type"] == "union_tag_invalid" else ""
        return f"{_loc([*loc, 'backend'])}: must be one of {', '.join(BACKENDS)}{shown}"
    return f"{_loc(loc)}: {_message(error)}"


def _loc(loc: list[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return "unknown key"
    msg = str(error["msg"])
    msg = msg.removeprefix("Value error, ")
    shown = repr(error.get("input"))
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{msg[0].lower()}{msg[1:]} (got {shown})" if "input" in error else msg


def cross_references(lab: Lab, folder: Path) -> list[str]:
    """Problems the schema cannot see: names that must exist, files that must be there."""
    problems: list[str] = []
    if lab.id != folder.name:
        problems.append(f"id: {lab.id!r} must match its folder name {folder.name!r}")
    hosts = {c.name for c in lab.sandbox.components}
    endpoints = endpoint_names(lab.sandbox)
    if len(hosts) != len(lab.sandbox.components):
        problems.append("sandbox.components: component names must be unique")
    if len(set(endpoints)) != len(endpoints):
        problems.append("sandbox.components: port (endpoint) names must be unique")
    problems += _image_folders(lab)
    problems += _check_refs("checks", lab.checks, hosts, set(endpoints))
    for i, ex in enumerate(lab.exercises):
        problems += _check_refs(f"exercises[{i}].checks", ex.checks, hosts, set(endpoints))
        if ex.solution.playbook and not (folder / ex.solution.playbook).is_file():
            problems.append(f"exercises[{i}].solution.playbook: no file {ex.solution.playbook} in the lab folder")
        if ex.solution.host and ex.solution.host not in hosts:
            problems.append(f"exercises[{i}].solution.host: no component {ex.solution.host!r}")
    ids = [ex.id for ex in lab.exercises]
    if len(set(ids)) != len(ids):
        problems.append("exercises: ids must be unique")
    return problems + template_problems(lab) + bakeable.problems(lab)


def _image_folders(lab: Lab) -> list[str]:
    """Container images are built from images/<image>/. An optional component's image may be
    missing (`up` leaves the component out); kind node images are not built here."""
    if lab.sandbox.backend != "docker":
        return []
    return [
        f"sandbox.components[{i}].image: no folder images/{c.image}"
        for i, c in enumerate(lab.sandbox.components)
        if c.image and not c.optional and not (paths.IMAGES_DIR / c.image).is_dir()
    ]


def _check_refs(path: str, checks: list[Check], hosts: set[str], endpoints: set[str]) -> list[str]:
    problems = []
    for i, check in enumerate(checks):
        spec = check.spec
        host = getattr(spec, "host", None)
        if host is not None and host not in hosts:
            problems.append(f"{path}[{i}].{check.kind}.host: no component {host!r}")
        endpoint = getattr(spec, "endpoint", None)
        if endpoint is not None and endpoint not in endpoints:
            problems.append(f"{path}[{i}].{check.kind}.endpoint: no port named {endpoint!r}")
    return problems
