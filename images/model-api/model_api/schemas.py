"""Request and response models (the iris flower: four measurements in centimetres)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


class IrisFeatures(BaseModel):
    """The four measurements of one flower, in centimetres, each in (0, 10]."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]
        },
    )

    sepal_length: float = Field(gt=0, le=10, description="Sepal length in cm")
    sepal_width: float = Field(gt=0, le=10, description="Sepal width in cm")
    petal_length: float = Field(gt=0, le=10, description="Petal length in cm")
    petal_width: float = Field(gt=0, le=10, description="Petal width in cm")

    def row(self) -> list[float]:
        return [self.sepal_length, self.sepal_width, self.petal_length, self.petal_width]


class Prediction(BaseModel):
    request_id: str = Field(description="X-Request-ID of the request (generated when absent)")
    label: str = Field(description="Most likely species")
    probabilities: dict[str, float] = Field(description="Probability of each species")
    model_name: str
    model_version: str


class Health(BaseModel):
    status: str = Field(description="ok when the service can serve predictions, else degraded")
    model_loaded: bool
    model_name: str
    model_version: str | None
    app_version: str
    environment: str
    database: str = Field(description="ok, unavailable, or disabled (no DATABASE_URL)")
