"""Request and response models."""

from pydantic import BaseModel


class IrisFeatures(BaseModel):
    """The four measurements of one flower, in centimetres."""

    sepal_length: float
    sepal_width: float
    petal_length: float
    petal_width: float


class Prediction(BaseModel):
    label: str
    probabilities: dict[str, float]
