"""Prometheus metrics (milestone metrics-endpoint)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from app import model

router = APIRouter(tags=["operations"])

REQUESTS = Counter(
    "http_requests_total", "HTTP requests by method, route and status", ["method", "handler", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route",
    ["method", "handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
PREDICTIONS = Counter(
    "model_predictions_total", "Predictions by predicted label", ["label", "model_version"]
)
MODEL_LOADED = Gauge("model_loaded", "1 when a model is loaded, else 0")


def observe_request(method: str, handler: str, status: int, latency_s: float) -> None:
    # The route template (e.g. /predict), never the raw path: unbounded label values would
    # explode the number of time series.
    REQUESTS.labels(method, handler, str(status)).inc()
    LATENCY.labels(method, handler).observe(latency_s)


def observe_prediction(label: str, model_version: str) -> None:
    PREDICTIONS.labels(label, model_version).inc()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    MODEL_LOADED.set(1 if model.is_loaded() else 0)  # measured when scraped
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
