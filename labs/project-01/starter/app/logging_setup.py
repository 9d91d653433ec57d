"""Logging (milestone json-logs).

TODO: one JSON object per line, to stdout and to settings.log_file, with the fields
ts, level, logger, msg, and for request lines request_id, method, path, status, latency_ms.
"""

from __future__ import annotations

import logging

from app.config import settings

access = logging.getLogger("model_api.access")


def configure() -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


def log_request(request_id: str, method: str, path: str, status: int, latency_ms: float) -> None:
    access.info("%s %s %s %.1fms [%s]", method, path, status, latency_ms, request_id)
