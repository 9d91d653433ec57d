from fastapi import APIRouter, HTTPException

from app.schemas import IrisFeatures

router = APIRouter()


@router.post("/predict")
def predict(features: IrisFeatures):
    # TODO (exercise predict-endpoint): classify the flower with app.model.predict and return
    # a Prediction (label + probabilities); declare the response model.
    raise HTTPException(status_code=501, detail="not implemented yet")
