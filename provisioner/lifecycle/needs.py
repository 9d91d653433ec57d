"""Which components of its sandbox a check needs, from the check's own fields.

A check names a component directly (its `host`, or an `endpoint` one of the component's ports
is called), or through its Jinja templates (`{{ endpoints.web }}`, `{{ hosts['db'].container }}`).
The templates are parsed, not searched, so a name inside a longer word never counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import nodes

from provisioner.definitions.model import Check, Lab

# Template variables whose keys name a port (endpoints) or a component (hosts).
_BY_PORT, _BY_COMPONENT = "endpoints", "hosts"


def components_needed(lab: Lab, check: Check) -> set[str]:
    """Names of the lab's components this check reaches."""
    owner = {p.name: c.name for c in lab.sandbox.components for p in c.ports}
    spec = check.spec
    needed = {name for name in (getattr(spec, "host", None),) if name}
    needed |= {owner[e] for e in (getattr(spec, "endpoint", None),) if e in owner}
    for variable, key in _template_refs(spec.model_dump()):
        if variable == _BY_PORT and key in owner:
            needed.add(owner[key])
        elif variable == _BY_COMPONENT:
            needed.add(key)
    return needed & {c.name for c in lab.sandbox.components}


def _template_refs(value: Any) -> Iterator[tuple[str, str]]:
    """(variable, key) for every `variable.key` or `variable['key']` in the templates in value."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _template_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _template_refs(item)
    elif isinstance(value, str) and "{" in value:
        yield from _refs_in(value)


def _refs_in(text: str) -> Iterator[tuple[str, str]]:
    try:
        tree = jinja2.Environment(autoescape=False).parse(text)  # noqa: S701 - parsed, never rendered to HTML
    except jinja2.TemplateSyntaxError:
        return  # the check itself reports a broken template when it runs
    for attr in tree.find_all(nodes.Getattr):
        if isinstance(attr.node, nodes.Name):
            yield attr.node.name, attr.attr
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.node, nodes.Name) and isinstance(item.arg, nodes.Const) and isinstance(item.arg.value, str):
            yield item.node.name, item.arg.value
