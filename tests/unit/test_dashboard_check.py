"""The `dashboard` check with its two chokepoints substituted: `cat` in the sandbox (a fake run) and
Prometheus' /api/v1/query (a local server that knows only the model API's metric names)."""

from __future__ import annotations

import copy
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from provisioner.checks.runner import CheckEnv, run_check
from provisioner.core.proc import Result
from provisioner.definitions.model import Check
from tests.unit.jsonserver import JsonHandler, serve

KNOWN = ("http_requests_total", "http_request_duration_seconds_bucket", "process_cpu_seconds_total")
RATE = 'rate(http_requests_total{job="$job"}[$__rate_interval])'
P95 = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))"
BOARD: dict[str, Any] = {
    "uid": "model-api",
    "schemaVersion": 39,
    "templating": {"list": [{"name": "job", "current": {"value": "model-api"}}]},
    "panels": [
        {"title": "Request rate", "type": "timeseries", "targets": [{"expr": RATE}]},
        {
            "type": "row",
            "title": "Latency",
            "collapsed": True,
            "panels": [{"title": "p95 latency", "type": "timeseries", "targets": [{"expr": P95}]}],
        },
    ],
}


class Prometheus(JsonHandler):
    queries: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        expr = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0]
        self.queries.append(expr)
        if "$" in expr or expr.count("(") != expr.count(")"):
            self._answer(400, {"status": "error", "errorType": "bad_data", "error": "parse error"})
        else:
            result = [{"metric": {}, "value": [0, "1"]}] if any(m in expr for m in KNOWN) else []
            self._answer(200, {"status": "success", "data": {"resultType": "vector", "result": result}})


@pytest.fixture
def prometheus() -> Iterator[str]:
    Prometheus.queries = []
    with serve(Prometheus) as url:
        yield url


def run(board: Any, prometheus: str, code: int = 0, **spec: Any) -> tuple[bool, str, list[list[str]]]:
    calls: list[list[str]] = []
    text = board if isinstance(board, str) else json.dumps(board)

    def fake_run(argv: list[str], **_kw: Any) -> Result:
        calls.append(argv)
        return Result(argv, code, text if code == 0 else "", "" if code == 0 else "cat: No such file")

    env = CheckEnv({"endpoints": {"prometheus": prometheus}}, lambda h, a: ["docker", "exec", h, *a], fake_run)
    check = Check.model_validate({"name": "d", "timeout": 2, "dashboard": {"path": "/d.json", "host": "prom", **spec}})
    result = run_check(check, env)
    return result.passed, result.seen, calls


def test_a_good_dashboard_passes_and_every_query_ran_with_variables_filled_in(prometheus: str) -> None:
    passed, seen, calls = run(BOARD, prometheus, panels=["request rate", "p95 latency"], min_panels=2)
    assert passed, seen
    assert calls == [["docker", "exec", "prom", "timeout", "--kill-after=2", "2", "cat", "/d.json"]]
    assert Prometheus.queries[0] == 'rate(http_requests_total{job="model-api"}[1m])'
    assert len(Prometheus.queries) == 2


def test_a_misspelled_metric_fails_naming_the_panel(prometheus: str) -> None:
    board = copy.deepcopy(BOARD)
    board["panels"][0]["targets"][0]["expr"] = "sum(rate(http_request_total[1m]))"
    passed, seen, _ = run(board, prometheus)
    assert not passed
    assert seen.startswith("panel 'Request rate': 'sum(rate(http_request_total[1m]))' returns no series")


def test_a_query_prometheus_cannot_parse_fails_with_its_reason(prometheus: str) -> None:
    board = copy.deepcopy(BOARD)
    board["panels"][1]["panels"][0]["targets"][0]["expr"] = "histogram_quantile(0.95, rate(x[1m])"
    passed, seen, _ = run(board, prometheus)
    assert not passed and seen == "panel 'p95 latency': Prometheus refused the query: parse error"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda b: b.pop("uid"), "the model has no uid at the top"),
        (lambda b: b["panels"][0].pop("type"), "panel 1 ('Request rate') has no type"),
        (lambda b: b["panels"][0]["targets"][0].pop("expr"), "a target has no `expr`"),
        (lambda b: b["panels"][0].pop("targets"), "has no `targets`"),
        (lambda b: b["templating"]["list"].clear(), "$job is no variable of the dashboard"),
    ],
)
def test_the_model_is_validated_before_any_query(prometheus: str, change: Any, says: str) -> None:
    board = copy.deepcopy(BOARD)
    change(board)
    passed, seen, _ = run(board, prometheus)
    assert not passed and says in seen and Prometheus.queries == []


def test_missing_file_bad_json_and_missing_panels_say_how_to_fix(prometheus: str) -> None:
    assert "no file /d.json in prom" in run(BOARD, prometheus, code=1)[1]
    assert "is not JSON" in run("{not json", prometheus)[1]
    assert "no panel titled 'Saturation'" in run(BOARD, prometheus, panels=["Saturation"])[1]
    assert "at least 3" in run(BOARD, prometheus, min_panels=3)[1]


def test_the_definition_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        Check.model_validate({"name": "d", "dashboard": {"path": "/d.json", "panel": ["x"]}})


def test_the_promql_check_shares_the_query_and_reports_prometheus_reason(prometheus: str) -> None:
    env = CheckEnv({"endpoints": {"prometheus": prometheus}})

    def promql(query: str, **bounds: float) -> Any:
        return run_check(Check.model_validate({"name": "q", "promql": {"query": query, **bounds}}), env)

    assert promql("sum(http_requests_total)", min=1).passed
    assert not promql("sum(http_requests_total)", min=2).passed
    assert "no series" in promql("sum(http_requests_totl)").message
    assert "parse error" in promql("sum(http_requests_total").message


def from_configmap(board: Any, prometheus: str, out: str | None = None) -> tuple[bool, str, list[list[str]]]:
    calls: list[list[str]] = []

    def fake_run(argv: list[str], **_kw: Any) -> Result:
        calls.append(argv)
        return Result(argv, 0, json.dumps(board) if out is None else out, "")

    env = CheckEnv({"endpoints": {"prometheus": prometheus}}, lambda h, a: a, fake_run)
    source = {"configmap": {"namespace": "monitoring", "name": "model-api-dashboard", "key": "model-api.json"}}
    check = Check.model_validate({"name": "d", "timeout": 2, "dashboard": source})
    result = run_check(check, env)
    return result.passed, result.seen, calls


def test_a_dashboard_shipped_as_a_configmap_is_read_with_kubectl(prometheus: str) -> None:
    passed, seen, calls = from_configmap(BOARD, prometheus)
    assert passed, seen
    assert calls == [
        [
            "kubectl",
            "-n",
            "monitoring",
            "get",
            "configmap",
            "model-api-dashboard",
            "-o",
            r"jsonpath={.data.model-api\.json}",
        ]
    ]


def test_a_configmap_without_the_key_says_which_key_is_missing(prometheus: str) -> None:
    passed, seen, _ = from_configmap(BOARD, prometheus, out="")
    assert not passed and seen == "no key model-api.json in ConfigMap monitoring/model-api-dashboard (no such key)"


@pytest.mark.parametrize("source", [{}, {"path": "/d.json", "configmap": {"namespace": "a", "name": "b", "key": "c"}}])
def test_a_dashboard_check_reads_exactly_one_source(source: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="exactly one of: path, configmap"):
        Check.model_validate({"name": "d", "dashboard": source})
