"""Jinja references in a definition, checked against what the lab defines, before anything runs.

At run time checks, access text (lifecycle/verify.py check_env) and hints see `endpoints`,
`hosts`, `secrets`, `instance` and `lab_id`; a Docker component's env sees only `secrets`,
`instance` and `lab_id` (its values are rendered before the sandbox exists)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import meta, nodes

from provisioner.definitions.model import Check, Lab
from provisioner.definitions.sandbox import HOST_VARS, components, endpoint_names

RUN_TIME = frozenset({"endpoints", "hosts", "secrets", "instance", "lab_id"})
BEFORE_START = frozenset({"secrets", "instance", "lab_id"})
_ENV = jinja2.Environment(autoescape=False)  # noqa: S701 - parsed only, never rendered to HTML
_WHAT = {"secrets": "secret", "endpoints": "endpoint", "hosts": "host (component)"}


def template_problems(lab: Lab) -> list[str]:
    """'path: unknown <what> <name>' for every reference the lab cannot satisfy."""
    defined: dict[str, set[str]] = {
        "secrets": set(lab.sandbox.secrets),
        "endpoints": set(endpoint_names(lab.sandbox)),
        "hosts": {c.name for c in lab.sandbox.components},
    }
    host_vars = HOST_VARS[lab.sandbox.backend]
    problems = []
    for path, text, allowed in _templates(lab):
        problems += [f"{path}: {p}" for p in _problems(text, allowed, defined, host_vars)]
    return problems


def _templates(lab: Lab) -> Iterator[tuple[str, str, frozenset[str]]]:
    yield from _checks("checks", lab.checks)
    for i, ex in enumerate(lab.exercises):
        yield f"exercises[{i}].instructions", ex.instructions, RUN_TIME
        yield f"exercises[{i}].hint", ex.hint, RUN_TIME
        yield from _checks(f"exercises[{i}].checks", ex.checks)
    yield "access", lab.access, RUN_TIME
    for i, c in enumerate(components(lab.sandbox)):
        for key, value in c.env.items():
            yield f"sandbox.components[{i}].env.{key}", value, BEFORE_START


def _checks(path: str, checks: list[Check]) -> Iterator[tuple[str, str, frozenset[str]]]:
    for i, check in enumerate(checks):
        for where, text in _strings(f"{path}[{i}].{check.kind}", check.spec.model_dump()):
            yield where, text, RUN_TIME


def _strings(path: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(f"{path}.{key}", item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(f"{path}[{i}]", item)


def _problems(text: str, allowed: frozenset[str], defined: dict[str, set[str]], host_vars: Any) -> list[str]:
    if "{{" not in text and "{%" not in text:
        return []
    try:
        tree = _ENV.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        return [f"invalid Jinja: {exc.message} (line {exc.lineno})"]
    problems = [f"unknown name {n!r} (here: {', '.join(sorted(allowed))})" for n in _unknown_names(tree, allowed)]
    refs = sorted({tuple(ref) for ref in _references(tree) if ref[0] in allowed})
    for ref in refs:
        if len(ref) == 2 and any(r[:2] == ref and len(r) == 3 for r in refs):
            continue  # hosts.NAME inside hosts.NAME.ATTR: one message is enough
        problems += _reference_problem(list(ref), defined, host_vars)
    return problems


def _unknown_names(tree: nodes.Template, allowed: frozenset[str]) -> list[str]:
    return sorted(meta.find_undeclared_variables(tree) - allowed)


def _references(tree: nodes.Template) -> Iterator[list[str]]:
    """[top, key] or [hosts, host, attribute] for each `top.key` / `top['key']` (with a literal key)."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        chain = _chain(node)
        if chain and chain[0] in _WHAT and len(chain) >= 2:
            yield chain[:3]


def _chain(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        key: Any = node.attr
    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        key = node.arg.value
    else:
        return None
    inner = _chain(node.node)
    return None if inner is None or not isinstance(key, str) else [*inner, key]


def _reference_problem(ref: list[str], defined: dict[str, set[str]], host_vars: Any) -> list[str]:
    top, name = ref[0], ref[1]
    if name not in defined[top]:
        shown = ", ".join(sorted(defined[top])) or "none"
        return [f"unknown {_WHAT[top]} {name!r} (the lab defines: {shown})"]
    if top == "hosts" and len(ref) == 3 and host_vars is not None and ref[2] not in host_vars:
        return [f"hosts.{name}: unknown host variable {ref[2]!r} (this backend sets: {', '.join(sorted(host_vars))})"]
    return []
