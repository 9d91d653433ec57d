"""The FastAPI application."""

from fastapi import Depends, FastAPI

from app.ratelimit import rate_limit
from app.routes import admin, health, predict

app = FastAPI(title="Iris model API", version="0.1.0")

app.include_router(health.router)
app.include_router(predict.router, dependencies=[Depends(rate_limit)])  # 429 past the limit
app.include_router(admin.router)
