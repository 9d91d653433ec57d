"""Request and response models."""

from pydantic import BaseModel, Field


class IrisFeatures(BaseModel):
    """The four measurements of one flower, in centimetres."""

    sepal_length: float = Field(gt=0, le=10)
    sepal_width: float = Field(gt=0, le=10)
    petal_length: float = Field(gt=0, le=10)
    petal_width: float = Field(gt=0, le=10)

    def row(self) -> list[float]:
        return [self.sepal_length, self.sepal_width, self.petal_length, self.petal_width]


class Prediction(BaseModel):
    request_id: str
    label: str
    probabilities: dict[str, float]
    model_version: str
