"""The FastAPI application."""

from fastapi import Depends, FastAPI

from app.ratelimit import rate_limit
from app.routes import admin, health, predict

DESCRIPTION = """
Classifies iris flowers from four measurements (cm) with a logistic regression.

* `POST /predict` returns the species and the probability of each species.
* `POST /admin/reload` reloads the model file; it needs the API token as a Bearer token.
"""

TAGS = [
    {"name": "predictions", "description": "Model inference."},
    {"name": "admin", "description": "Operations that need the API token."},
    {"name": "operations", "description": "Health and monitoring."},
]

app = FastAPI(
    title="Iris model API",
    version="1.0.0",
    description=DESCRIPTION,
    openapi_tags=TAGS,
    contact={"name": "ML platform team"},
)

app.include_router(health.router)
app.include_router(predict.router, dependencies=[Depends(rate_limit)])  # 429 past the limit
app.include_router(admin.router)
