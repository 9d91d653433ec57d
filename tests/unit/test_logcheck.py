"""project-04's check of the learner's LogsQL queries (images/monitoring-tools/tools/logcheck.py),
with the log store's query API substituted: the verdicts a learner reads for each kind of mistake."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from provisioner.core import paths

SCRIPT = paths.IMAGES_DIR / "monitoring-tools" / "tools" / "logcheck.py"


@pytest.fixture(scope="module")
def logcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("logcheck", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def slow(*latencies: float, **extra: str) -> list[dict[str, Any]]:
    return [
        {"_time": "t", "request_id": "r", "handler": "/predict", "status": "200", "latency_ms": str(ms), **extra}
        for ms in latencies
    ]


def test_slow_requests_verdicts(logcheck: ModuleType) -> None:
    assert logcheck.slow_requests(slow(900, 810)).startswith("ok: 2 slow requests, the slowest 900")
    assert "start slow load" in logcheck.slow_requests([])
    assert "12 ms is not slower" in logcheck.slow_requests(slow(900, 12))
    assert "not sorted slowest first" in logcheck.slow_requests(slow(810, 900))
    assert "fields beyond" in logcheck.slow_requests(slow(900, path="/predict"))


def test_sli_compares_counts_with_the_log_lines(logcheck: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logcheck, "query", lambda _: [{"requests": "60", "errors": "0"}])
    row = {"handler": "/metrics", "requests": "61", "errors": "0", "error_ratio": "0", "p95_latency_ms": "3"}
    assert logcheck.sli([row]).startswith("ok: 1 handlers")
    assert "requests 90" in logcheck.sli([row | {"requests": "90"}])
    assert "missing columns: p95_latency_ms" in logcheck.sli([{k: v for k, v in row.items() if k != "p95_latency_ms"}])
    assert "not errors / requests" in logcheck.sli([row | {"error_ratio": "0.5"}])
    assert "no row for the handler /metrics" in logcheck.sli([row | {"handler": "/predict"}])
