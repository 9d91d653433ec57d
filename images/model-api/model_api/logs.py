"""Structured logs: one JSON object per line, to stdout and (optionally) LOG_FILE."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

REQUEST_FIELDS = ("request_id", "method", "path", "handler", "status", "latency_ms", "client")
access = logging.getLogger("model_api.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(level: str, log_file: str = "") -> None:
    """Root logger to JSON; uvicorn's loggers propagate to it (uvicorn runs with log_config=None)."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file))
    for handler in handlers:
        handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level, handlers=handlers, force=True)


def log_request(**fields: object) -> None:
    access.info("request", extra=fields)
