"""The FastAPI application of model-api."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import Match

from model_api import logs, metrics
from model_api.config import settings
from model_api.model import ModelHolder, ModelUnavailable
from model_api.schemas import Health, IrisFeatures, Prediction
from model_api.store import PredictionStore

log = logging.getLogger("model_api")
holder = ModelHolder(settings.model_dir, settings.model_name)
store = PredictionStore(settings.database_url)

DESCRIPTION = """
Classifies iris flowers from four measurements (cm) with a scikit-learn model trained when the
image was built. Every prediction is logged to PostgreSQL (when `DATABASE_URL` is set), every
request is a JSON log line and is counted in the Prometheus metrics at `/metrics`.

`POST /admin/reload` needs the API token (`API_TOKEN`) as a Bearer token.
"""
TAGS = [
    {"name": "predictions", "description": "Model inference."},
    {"name": "admin", "description": "Operations that need the API token."},
    {"name": "operations", "description": "Health, model metadata and metrics."},
]


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Without a model /health answers 503 and model_loaded is 0 until an admin reload succeeds.
    with contextlib.suppress(ModelUnavailable):
        holder.load()
    if store.enabled and not store.ping():
        log.warning("database not reachable yet; predictions are served, their logging is retried")
    yield
    store.close()


app = FastAPI(
    title="Model API",
    version=settings.app_version,
    description=DESCRIPTION,
    openapi_tags=TAGS,
    lifespan=lifespan,
)


class Observe:
    """ASGI middleware: request id (X-Request-ID or a new UUID), JSON access log, metrics.

    The handler label is the matched route's template (/predict), never the raw path, so the
    number of time series stays bounded; unmatched paths share one label."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = (headers.get(b"x-request-id") or b"").decode("latin-1")[:128] or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_code = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            handler = _route_template(scope)
            metrics.observe_request(scope["method"], handler, status_code, elapsed)
            client = scope.get("client")
            logs.log_request(
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                handler=handler,
                status=status_code,
                latency_ms=round(elapsed * 1000, 2),
                client=client[0] if client else None,
            )


def _route_template(scope: dict[str, Any]) -> str:
    """FastAPI's routes put themselves in the scope; Starlette's (the docs) are matched here."""
    route = scope.get("route")
    if route is None:
        route = next((r for r in app.router.routes if r.matches(scope)[0] == Match.FULL), None)
    return str(getattr(route, "path", None) or "unmatched")


app.add_middleware(Observe)


def _predict(features: IrisFeatures, request: Request, delay_ms: int) -> Prediction:
    started = time.perf_counter()
    if settings.latency_injection and delay_ms:
        time.sleep(delay_ms / 1000)
    try:
        model, label, probabilities = holder.predict(features.row())
    except ModelUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    request_id = request.state.request_id
    store.log_prediction(
        request_id=request_id,
        model_name=settings.model_name,
        model_version=model.version,
        features=features.model_dump(),
        label=label,
        probabilities=probabilities,
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
    )
    metrics.PREDICTIONS.labels(label, model.version).inc()
    return Prediction(
        request_id=request_id,
        label=label,
        probabilities=probabilities,
        model_name=settings.model_name,
        model_version=model.version,
    )


# delay_ms: latency injection for the monitoring labs, honoured only with LAB_LATENCY_INJECTION=1.
DelayMs = Annotated[int, Query(ge=0, le=10000, include_in_schema=False)]


@app.post("/predict", response_model=Prediction, tags=["predictions"], summary="Classify one iris flower")
def predict(features: IrisFeatures, request: Request, delay_ms: DelayMs = 0) -> Prediction:
    """The most likely species and the probability of each species."""
    return _predict(features, request, delay_ms)


@app.get("/predict", response_model=Prediction, tags=["predictions"], summary="Classify one flower (query)")
def predict_query(features: Annotated[IrisFeatures, Query()], request: Request, delay_ms: DelayMs = 0) -> Prediction:
    """The same prediction from query parameters: for browsers, curl and synthetic probes."""
    return _predict(features, request, delay_ms)


@app.get("/health", response_model=Health, tags=["operations"], responses={503: {"model": Health}})
def health(response: Response) -> Health:
    """Readiness: 200 when the model is loaded and the database (if configured) answers, else 503."""
    model = holder.current
    database = "disabled" if not store.enabled else ("ok" if store.ping() else "unavailable")
    ready = model is not None and database != "unavailable"
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(
        status="ok" if ready else "degraded",
        model_loaded=model is not None,
        model_name=settings.model_name,
        model_version=model.version if model else None,
        app_version=settings.app_version,
        environment=settings.environment,
        database=database,
    )


@app.get("/model", tags=["operations"], summary="Metadata of the loaded model")
def model_metadata() -> dict[str, Any]:
    model = holder.current
    if model is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, holder.error)
    return {"name": settings.model_name, "loaded_at": model.loaded_at, **model.metadata}


bearer = HTTPBearer(auto_error=False, description="The API token (env API_TOKEN)")


def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Only "Authorization: Bearer <API_TOKEN>"; without API_TOKEN the admin routes refuse everyone."""
    given = credentials.credentials if credentials else ""
    if not settings.api_token or not secrets.compare_digest(given.encode(), settings.api_token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing or invalid API token", headers={"WWW-Authenticate": "Bearer"}
        )


@app.post("/admin/reload", tags=["admin"], dependencies=[Depends(require_token)], summary="Reload the model")
def reload_model() -> dict[str, Any]:
    """Load model.joblib and metadata.json from MODEL_DIR again (e.g. after retraining)."""
    try:
        model = holder.load()
    except ModelUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    return {"reloaded": True, "model_version": model.version, "loaded_at": model.loaded_at}


@app.get("/metrics", tags=["operations"], include_in_schema=False)
def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
