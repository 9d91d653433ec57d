"""A Grafana dashboard's JSON model as Grafana reads it: the keys it needs at the top and in each
panel, its variables, and each panel's queries with the variables filled in."""

from __future__ import annotations

import json
import re
from typing import Any

# Grafana replaces these per panel before it queries; Prometheus would reject them as they are.
BUILT_IN = {"__rate_interval": "1m", "__interval": "1m", "__range": "1h", "__range_s": "3600", "__range_ms": "3600000"}
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
_TOP = ("uid", "schemaVersion", "panels")


class DashboardError(ValueError):
    """What is wrong with the dashboard, worded for the learner who has to fix it."""


def load(text: str, path: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DashboardError(f"{path} is not JSON ({exc}): `python3 -m json.tool {path}` shows where") from exc
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data = data["dashboard"]  # the body of Grafana's import API wraps the model
    if not isinstance(data, dict):
        raise DashboardError(f"{path} holds a JSON {type(data).__name__}: a dashboard model is one object")
    missing = [key for key in _TOP if key not in data]
    if missing:
        raise DashboardError(f"the model has no {', '.join(missing)} at the top: Grafana needs {', '.join(_TOP)}")
    if not isinstance(data["panels"], list):
        raise DashboardError("`panels` is not a list: it holds one object per panel")
    return data


def panels(board: dict[str, Any], required: list[str], least: int) -> list[dict[str, Any]]:
    found = [p for p in _flat(board["panels"]) if p.get("type") != "row"]
    for i, panel in enumerate(found, 1):
        _check_panel(i, panel)
    if len(found) < least:
        raise DashboardError(f"{len(found)} panels with queries; the exercise asks for at least {least}")
    titles = [str(p["title"]).strip() for p in found]
    absent = [t for t in required if not any(t.lower() in title.lower() for title in titles)]
    if absent:
        raise DashboardError(f"no panel titled {' or '.join(map(repr, absent))}: the panels are {titles}")
    return found


def _flat(panels: list[Any]) -> list[dict[str, Any]]:
    """A collapsed row keeps its panels inside it; an open row is followed by them."""
    out = []
    for panel in panels:
        if not isinstance(panel, dict):
            raise DashboardError(f"`panels` holds a {type(panel).__name__}: each panel is an object")
        out += [panel, *_flat(panel.get("panels") or [])] if panel.get("type") == "row" else [panel]
    return out


def _check_panel(index: int, panel: dict[str, Any]) -> None:
    name = f"panel {index} ({panel.get('title')!r})"
    for key in ("title", "type"):
        if not isinstance(panel.get(key), str) or not panel[key].strip():
            raise DashboardError(f"{name} has no {key}: every panel needs a `{key}`")
    targets = panel.get("targets")
    if not isinstance(targets, list) or not targets:
        raise DashboardError(f"{name} has no `targets`: give it at least one Prometheus query")
    if not all(isinstance(t, dict) and isinstance(t.get("expr"), str) and t["expr"].strip() for t in targets):
        raise DashboardError(f"{name}: a target has no `expr`: each target holds its PromQL in `expr`")


def variables(board: dict[str, Any]) -> dict[str, str]:
    """Grafana's built-in variables, and each dashboard variable at its current value."""
    values = dict(BUILT_IN)
    for var in (board.get("templating") or {}).get("list") or []:
        current = (var.get("current") or {}).get("value") if isinstance(var, dict) else None
        current = current[0] if isinstance(current, list) and current else current
        if isinstance(current, str) and var.get("name"):
            values[str(var["name"])] = ".*" if current == "$__all" else current
    return values


def expand(expr: str, values: dict[str, str]) -> str:
    """expr with each known variable filled in; raises on one the dashboard does not define."""
    expr = _VARIABLE.sub(lambda m: values.get(next(g for g in m.groups() if g), m.group(0)), expr)
    unknown = _VARIABLE.search(expr)
    if unknown:
        raise DashboardError(
            f"{unknown.group(0)} is no variable of the dashboard: define it under templating.list "
            "with a current value, or write the value itself"
        )
    return expr
