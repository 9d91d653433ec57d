"""Rate limiting of POST /predict: a token bucket per client address."""

import math
import threading
import time

from fastapi import HTTPException, Request

RATE = 10.0  # tokens a client gains per second: its sustained request rate
BURST = 10  # the bucket's size: how many requests a client that was idle may make at once

# client address -> (tokens left, when they were counted). Plain `def` endpoints and their
# dependencies run in FastAPI's thread pool, so the buckets need a lock.
_buckets: dict[str, tuple[float, float]] = {}
_lock = threading.Lock()


def rate_limit(request: Request) -> None:
    """Let the request through, or raise a 429 that says when to retry."""
    client = request.client.host if request.client else "unknown"
    now = time.monotonic()
    with _lock:
        tokens, counted = _buckets.get(client, (float(BURST), now))
        tokens = min(float(BURST), tokens + (now - counted) * RATE)
        if tokens < 1:
            _buckets[client] = (tokens, now)
            retry_after = math.ceil((1 - tokens) / RATE)
            raise HTTPException(status_code=429, detail="too many requests", headers={"Retry-After": str(retry_after)})
        _buckets[client] = (tokens - 1, now)
