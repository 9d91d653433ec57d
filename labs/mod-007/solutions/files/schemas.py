"""Request and response models.

Every measurement must be in a plausible range (0, 10] cm: negatives, zeros and typos such as 55
instead of 5.5 are rejected with a 422 before the model ever sees them.
"""

from pydantic import BaseModel, ConfigDict, Field


class IrisFeatures(BaseModel):
    """The four measurements of one flower, in centimetres."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
            ]
        }
    )

    sepal_length: float = Field(gt=0, le=10, description="Sepal length in cm")
    sepal_width: float = Field(gt=0, le=10, description="Sepal width in cm")
    petal_length: float = Field(gt=0, le=10, description="Petal length in cm")
    petal_width: float = Field(gt=0, le=10, description="Petal width in cm")


class Prediction(BaseModel):
    label: str = Field(description="Most likely species")
    probabilities: dict[str, float] = Field(description="Probability of each species")
