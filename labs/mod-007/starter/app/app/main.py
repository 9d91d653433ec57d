"""The FastAPI application."""

from fastapi import FastAPI

from app.routes import admin, health, predict

app = FastAPI(title="Iris model API", version="0.1.0")

app.include_router(health.router)
app.include_router(predict.router)
app.include_router(admin.router)
