"""Prediction log in PostgreSQL (milestone prediction-log)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from app.config import settings

log = logging.getLogger("model_api.store")

DDL = """
CREATE TABLE IF NOT EXISTS predictions (
    id             bigserial PRIMARY KEY,
    request_id     uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    model_version  text NOT NULL,
    features       jsonb NOT NULL,
    label          text NOT NULL,
    probabilities  jsonb NOT NULL,
    latency_ms     real NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_created_at_idx ON predictions (created_at);
"""

_ready = False


def _connect() -> psycopg.Connection[Any]:
    # One short connection per call keeps the lab simple; a production service would use a
    # pool (psycopg_pool.ConnectionPool) opened in the lifespan.
    return psycopg.connect(settings.database_url, connect_timeout=3, autocommit=True)


def init() -> None:
    global _ready
    with _connect() as conn:
        conn.execute(DDL)
    _ready = True


def log_prediction(
    request_id: str,
    model_version: str,
    features: dict[str, Any],
    label: str,
    probabilities: dict[str, float],
    latency_ms: float,
) -> None:
    """Insert one row. A database outage is logged, not raised: predictions keep flowing."""
    if not settings.database_url:
        return
    try:
        if not _ready:
            init()
        try:
            rid = uuid.UUID(request_id)
        except ValueError:
            rid = uuid.uuid5(uuid.NAMESPACE_URL, request_id)
        with _connect() as conn:
            conn.execute(
                "INSERT INTO predictions"
                " (request_id, model_version, features, label, probabilities, latency_ms)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (rid, model_version, Jsonb(features), label, Jsonb(probabilities), latency_ms),
            )
    except psycopg.Error as exc:
        log.error("prediction %s not logged: %s", request_id, exc)


def ping() -> bool:
    try:
        with _connect() as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False
