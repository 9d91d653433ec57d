"""The `grafana` check: the learner's dashboard model imported into the lab's Grafana through its
HTTP API (POST /api/dashboards/db, as a deploy step or Terraform's Grafana provider does) and read
back by its uid, with every panel Grafana stored. Where Grafana's image cannot be had, the
component is unavailable and so is this check; the `dashboard` check covers the model offline."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from provisioner.checks.dashboard import read_model
from provisioner.checks.grafana import DashboardError, load, panels
from provisioner.checks.types import CheckEnv, Outcome
from provisioner.core.templating import render
from provisioner.definitions import model

USER = "admin"


def grafana(spec: model.GrafanaCheck, timeout: float, env: CheckEnv) -> Outcome:
    path = render(spec.path, env.values)
    base = str(env.values["endpoints"].get(spec.endpoint, "")).rstrip("/")
    want = f"Grafana at {base} imports {path} and serves it back with its panels"
    auth = "Basic " + base64.b64encode(f"{USER}:{render(spec.password, env.values)}".encode()).decode()
    try:
        board = load(read_model(env, spec.host, path, timeout), path)
        sent = len(panels(board, [], 1))
        uid = _call(base, "/api/dashboards/db", auth, timeout, _import_body(board)).get("uid")
        stored = _call(base, f"/api/dashboards/uid/{uid}", auth, timeout).get("dashboard") or {}
        kept = len(panels(stored, [], 1)) if stored.get("panels") else 0
    except DashboardError as exc:
        return Outcome(False, want, str(exc))
    if kept != sent:
        return Outcome(False, want, f"Grafana kept {kept} of the {sent} panels of {path}")
    return Outcome(True, want, f"imported as {base}/d/{uid}: {kept} panels")


def _import_body(board: dict[str, Any]) -> dict[str, Any]:
    # Grafana assigns `id` itself: a model exported from another Grafana carries a foreign one.
    return {"dashboard": {k: v for k, v in board.items() if k != "id"}, "overwrite": True}


def _call(base: str, path: str, auth: str, timeout: float, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": auth, "Content-Type": "application/json", "Accept": "application/json"}
    request = urllib.request.Request(base + path, data=data, headers=headers)  # noqa: S310 - the lab's own endpoint
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            answer = json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:  # Grafana's reason is the body's "message"
        raise DashboardError(f"Grafana refused {path} (HTTP {exc.code}): {_message(exc.read(1 << 16))}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DashboardError(f"no answer from Grafana at {base} ({getattr(exc, 'reason', exc)})") from exc
    return answer if isinstance(answer, dict) else {}


def _message(body: bytes) -> str:
    try:
        return str(json.loads(body).get("message") or body[:120].decode(errors="replace"))
    except (ValueError, AttributeError):
        return body[:120].decode(errors="replace")
