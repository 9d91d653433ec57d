"""Logging (milestone json-logs): one JSON object per line, to stdout and LOG_FILE."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.config import settings

access = logging.getLogger("model_api.access")

EXTRA_FIELDS = ("request_id", "method", "path", "status", "latency_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure() -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if settings.log_file:
        Path(settings.log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(settings.log_file))
    formatter = JsonFormatter()
    for handler in handlers:
        handler.setFormatter(formatter)
    # force=True replaces handlers installed earlier (uvicorn --reload re-imports the app).
    logging.basicConfig(level=settings.log_level, handlers=handlers, force=True)


def log_request(request_id: str, method: str, path: str, status: int, latency_ms: float) -> None:
    access.info(
        "request",
        extra={
            "request_id": request_id,
            "method": method,
            "path": path,
            "status": status,
            "latency_ms": latency_ms,
        },
    )
