"""Prediction log in PostgreSQL (milestone prediction-log).

TODO: with psycopg (version 3, installed) and settings.database_url:
- init(): create the table `predictions` if it does not exist (see the lab instructions)
- log_prediction(...): insert one row per prediction
- ping(): True when the database answers `SELECT 1`
"""

from __future__ import annotations

from typing import Any


def init() -> None:
    pass


def log_prediction(
    request_id: str,
    model_version: str,
    features: dict[str, Any],
    label: str,
    probabilities: dict[str, float],
    latency_ms: float,
) -> None:
    pass


def ping() -> bool:
    return False
