import os
import time

from fastapi import APIRouter, HTTPException, Query, Request

from app import metrics, model, store
from app.schemas import IrisFeatures, Prediction

router = APIRouter(tags=["predictions"])

# Latency injection for the monitoring labs (mod-009, project-04): with
# LAB_LATENCY_INJECTION=1, POST /predict?delay_ms=N sleeps N ms first. Off by default.
LATENCY_INJECTION = os.environ.get("LAB_LATENCY_INJECTION") == "1"


@router.post("/predict", response_model=Prediction, summary="Classify one iris flower")
def predict(
    features: IrisFeatures,
    request: Request,
    delay_ms: int = Query(0, ge=0, le=5000, include_in_schema=False),
) -> Prediction:
    started = time.perf_counter()
    if LATENCY_INJECTION and delay_ms:
        time.sleep(delay_ms / 1000)
    try:
        label, probabilities = model.predict([features.row()])[0]
    except RuntimeError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    version = model.version() or "unknown"
    request_id = request.state.request_id
    store.log_prediction(
        request_id=request_id,
        model_version=version,
        features=features.model_dump(),
        label=label,
        probabilities=probabilities,
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
    )
    metrics.observe_prediction(label, version)
    return Prediction(
        request_id=request_id, label=label, probabilities=probabilities, model_version=version
    )
