from fastapi import APIRouter

from app import model
from app.schemas import IrisFeatures, Prediction

router = APIRouter(tags=["predictions"])


@router.post("/predict", response_model=Prediction, summary="Classify one iris flower")
def predict(features: IrisFeatures) -> Prediction:
    """Return the most likely species and the probability of each species."""
    row = [
        features.sepal_length,
        features.sepal_width,
        features.petal_length,
        features.petal_width,
    ]
    label, probabilities = model.predict([row])[0]
    return Prediction(label=label, probabilities=probabilities)
