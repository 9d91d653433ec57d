"""Turn a parsed definition into a Lab, collecting schema and cross-reference problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.core import paths
from provisioner.definitions.model import Check, Lab


def validate_data(data: Any, file: Path, where: str) -> tuple[Lab | None, list[str]]:
    try:
        lab = Lab.model_validate(data)
    except ValidationError as exc:
        return None, [f"{where}: {_loc(e['loc'])}: {_message(e)}" for e in exc.errors()]
    problems = [f"{where}: {p}" for p in cross_references(lab, file.parent)]
    return (None if problems else lab), problems


def _loc(loc: tuple[int | str, ...]) -> str:
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
    endpoints = [p.name for c in lab.sandbox.components for p in c.ports]
    if len(hosts) != len(lab.sandbox.components):
        problems.append("sandbox.components: component names must be unique")
    if len(set(endpoints)) != len(endpoints):
        problems.append("sandbox.components: port (endpoint) names must be unique")
    problems += _provision_files(lab)
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
    return problems


def _provision_files(lab: Lab) -> list[str]:
    """A lab on a planned backend is a valid definition; its module and playbooks come with it."""
    from provisioner.backends import is_built

    if not is_built(lab.sandbox.backend):
        return []
    problems = []
    if not (paths.TERRAFORM_DIR / lab.provision.terraform).is_dir():
        problems.append(f"provision.terraform: no module terraform/{lab.provision.terraform}")
    for i, book in enumerate(lab.provision.playbooks):
        if not (paths.ANSIBLE_DIR / book).is_file():
            problems.append(f"provision.playbooks[{i}]: no file ansible/{book}")
    return problems


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
