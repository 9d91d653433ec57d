"""The FastAPI application: lifespan, request-id and timing middleware, routers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from app import logging_setup, metrics, model, store
from app.config import settings
from app.routes import health, predict

logging_setup.configure()
log = logging.getLogger("model_api")


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    if not model.is_loaded():
        log.warning("no model in %s yet: run train.py", settings.model_dir)
    try:
        store.init()
    except Exception as exc:  # the API still starts; /health reports the database
        log.warning("database not ready: %s", exc)
    yield


app = FastAPI(title="Model API", version=settings.app_version, lifespan=lifespan)


@app.middleware("http")
async def observe(request: Request, call_next):  # type: ignore[no-untyped-def]
    """Give every request an id (X-Request-ID or a new UUID), time it, log it, count it."""
    request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
    request.state.request_id = request_id
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        response.headers["x-request-id"] = request_id
        return response
    finally:
        elapsed = time.perf_counter() - started
        route = request.scope.get("route")
        handler = getattr(route, "path", "unmatched")
        logging_setup.log_request(
            request_id=request_id,
            method=request.method,
            path=request.url.path,
            status=status,
            latency_ms=round(elapsed * 1000, 2),
        )
        metrics.observe_request(request.method, handler, status, elapsed)


app.include_router(health.router)
app.include_router(predict.router)
app.include_router(metrics.router)
