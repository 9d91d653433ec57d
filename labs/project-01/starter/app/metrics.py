"""Prometheus metrics (milestone metrics-endpoint).

TODO: with prometheus_client (installed):
- http_requests_total{method,handler,status}              Counter
- http_request_duration_seconds{method,handler}           Histogram
- model_predictions_total{label,model_version}            Counter
- model_loaded                                            Gauge: 1 when a model is loaded, else 0
- GET /metrics in the exposition format, on `router`
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["operations"])


def observe_request(method: str, handler: str, status: int, latency_s: float) -> None:
    pass


def observe_prediction(label: str, model_version: str) -> None:
    pass
