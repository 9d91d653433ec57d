"""Prometheus metrics. Names and labels are a contract: the monitoring labs query them.

http_requests_total{method,handler,status}         counter: every request; handler = route template
http_request_duration_seconds{method,handler}      histogram: request latency, 5 ms .. 5 s
model_predictions_total{label,model_version}       counter: predictions by predicted class
model_loaded                                       gauge: 1 when a model is loaded and serving, else 0
model_info{model_name,model_version}               gauge: 1 for the loaded model
model_load_timestamp_seconds                       gauge: Unix time of the last (re)load
prediction_log_failures_total                      counter: predictions not written to PostgreSQL
plus the client's default process_* and python_* metrics.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "http_requests_total", "HTTP requests by method, route template and status", ["method", "handler", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
PREDICTIONS = Counter("model_predictions_total", "Predictions by predicted label", ["label", "model_version"])
MODEL_LOADED = Gauge("model_loaded", "1 when a model is loaded and serving, else 0")
MODEL_INFO = Gauge("model_info", "The loaded model (value 1)", ["model_name", "model_version"])
MODEL_LOAD_TIME = Gauge("model_load_timestamp_seconds", "Unix time the model was last loaded")
LOG_FAILURES = Counter("prediction_log_failures_total", "Predictions that could not be written to PostgreSQL")


def observe_request(method: str, handler: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, handler, str(status)).inc()
    LATENCY.labels(method, handler).observe(seconds)


def model_state(loaded: bool, name: str = "", version: str = "", loaded_at: float = 0.0) -> None:
    MODEL_LOADED.set(1 if loaded else 0)
    MODEL_INFO.clear()
    if loaded:
        MODEL_INFO.labels(name, version).set(1)
        MODEL_LOAD_TIME.set(loaded_at)
