"""The `dashboard` check: a Grafana dashboard JSON model, read from the sandbox, well formed, whose
every panel's Prometheus query parses and returns series. Grafana itself need not run: the model is
checked here and each query is sent to the lab's Prometheus, as Grafana would send it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from provisioner.checks.grafana import DashboardError, expand, load, panels, variables
from provisioner.checks.promapi import QueryError, series_count
from provisioner.checks.reach import run_in, short
from provisioner.checks.types import CheckEnv, Outcome
from provisioner.core.templating import render
from provisioner.definitions import model


def dashboard(spec: model.DashboardCheck, timeout: float, env: CheckEnv) -> Outcome:
    where = _where(spec, env)
    base = str(env.values["endpoints"].get(spec.endpoint, "")).rstrip("/")
    want = f"a Grafana dashboard model in {where} whose every panel's query returns series"
    try:
        text = (
            _configmap(env, spec.configmap, timeout) if spec.configmap else read_model(env, spec.host, where, timeout)
        )
        board = load(text, where)
        found = panels(board, spec.panels, spec.min_panels)
        for panel in found:
            _run_queries(base, panel, variables(board), timeout)
    except DashboardError as exc:
        return Outcome(False, want, str(exc))
    return Outcome(True, want, f"{len(found)} panels, every query returns series")


def _where(spec: model.DashboardCheck, env: CheckEnv) -> str:
    if spec.configmap:
        ref = spec.configmap
        return f"ConfigMap {ref.namespace}/{ref.name}, key {ref.key}"
    return render(spec.path or "", env.values)


def _configmap(env: CheckEnv, ref: model.ConfigMapKey, timeout: float) -> str:
    # jsonpath reads a dot as a path separator: a key such as model-api.json needs it escaped
    key = ref.key.replace(".", "\\.")
    argv = ["kubectl", "-n", ref.namespace, "get", "configmap", ref.name, "-o", f"jsonpath={{.data.{key}}}"]
    code, out = run_in(env, None, argv, timeout)
    if code != 0 or not out.strip():
        seen = short(out, 80) if code else "no such key"
        raise DashboardError(f"no key {ref.key} in ConfigMap {ref.namespace}/{ref.name} ({seen})")
    return out


def read_model(env: CheckEnv, host: str | None, path: str, timeout: float) -> str:
    if host is None:
        if not Path(path).is_file():
            raise DashboardError(f"no file {path}: write the dashboard's JSON model there")
        return Path(path).read_text(errors="replace")
    code, out = run_in(env, host, ["cat", path], timeout)
    if code != 0:
        raise DashboardError(f"no file {path} in {host} ({short(out, 80)}): write the dashboard's JSON model there")
    return out


def _run_queries(base: str, panel: dict[str, Any], values: dict[str, str], timeout: float) -> None:
    for target in panel["targets"]:
        try:
            expr = expand(target["expr"], values)
            count = series_count(base, expr, timeout)
        except (DashboardError, QueryError) as exc:
            raise DashboardError(f"panel {panel['title']!r}: {exc}") from exc
        if count == 0:
            raise DashboardError(
                f"panel {panel['title']!r}: {short(expr, 100)} returns no series: check the metric and label "
                "names (a misspelled name returns nothing; the Prometheus UI autocompletes them)"
            )
