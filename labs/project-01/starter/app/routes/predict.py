from fastapi import APIRouter, HTTPException, Request

from app.schemas import IrisFeatures

router = APIRouter(tags=["predictions"])


# TODO (milestone predict-endpoint): classify with app.model.predict, return a Prediction
# (request_id from request.state.request_id, model_version from app.model.version()),
# answer 503 when there is no model, then call store.log_prediction(...) and
# metrics.observe_prediction(label) for every prediction.
@router.post("/predict")
def predict(features: IrisFeatures, request: Request):  # type: ignore[no-untyped-def]
    raise HTTPException(status_code=501, detail="not implemented yet")
