"""The prediction log in PostgreSQL (optional: only with DATABASE_URL).

One connection, shared under a lock and re-opened after an error; while the database is down,
reconnects are attempted at most every RETRY_S seconds so requests never queue behind connect
timeouts. A failed write is logged and counted, never raised: predictions keep flowing."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from model_api import metrics

log = logging.getLogger("model_api.store")
SCHEMA = (Path(__file__).parent / "schema.sql").read_text()
RETRY_S = 5.0
INSERT = (
    "INSERT INTO predictions (request_id, model_name, model_version, features, label, probabilities, latency_ms)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


class Unavailable(Exception):
    pass


class PredictionStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._retry_at = 0.0
        self._table_ready = False

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if time.monotonic() < self._retry_at:
            raise Unavailable("database unavailable (waiting before the next reconnect)")
        try:
            self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=2)
        except psycopg.Error as exc:
            self._retry_at = time.monotonic() + RETRY_S
            raise Unavailable(str(exc).strip()) from exc
        return self._conn

    def _ensure_table(self, conn: psycopg.Connection[Any]) -> None:
        exists = conn.execute("SELECT to_regclass('predictions') IS NOT NULL").fetchone()
        if not (exists and exists[0]):
            conn.execute(SCHEMA)  # needs CREATE on the schema: the role owns the database
            log.info("created the table predictions")
        self._table_ready = True

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        with self._lock:
            conn = self._connection()
            try:
                if not self._table_ready:
                    self._ensure_table(conn)
                conn.execute(sql, params)
            except psycopg.OperationalError:
                conn.close()  # broken connection: reconnect on the next call
                raise

    def ping(self) -> bool:
        try:
            self._run("SELECT 1")
        except (Unavailable, psycopg.Error):
            return False
        return True

    def log_prediction(
        self,
        request_id: str,
        model_name: str,
        model_version: str,
        features: dict[str, float],
        label: str,
        probabilities: dict[str, float],
        latency_ms: float,
    ) -> bool:
        if not self.enabled:
            return False
        try:
            rid = uuid.UUID(request_id)
        except ValueError:  # a client's X-Request-ID that is no UUID: stable UUID derived from it
            rid = uuid.uuid5(uuid.NAMESPACE_URL, request_id)
        params = (rid, model_name, model_version, Jsonb(features), label, Jsonb(probabilities), latency_ms)
        try:
            self._run(INSERT, params)
        except (Unavailable, psycopg.Error) as exc:
            metrics.LOG_FAILURES.inc()
            log.error("prediction %s not logged: %s", request_id, str(exc).strip())
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
