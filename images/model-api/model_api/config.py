"""Settings, read once from the environment (see the Dockerfile for the list)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from model_api import __version__


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    model_name: str
    model_dir: Path
    database_url: str
    api_token: str
    log_level: str
    log_file: str
    app_version: str
    environment: str
    latency_injection: bool
    host: str
    port: int

    @classmethod
    def from_env(cls) -> Settings:
        name = os.environ.get("MODEL_NAME") or "iris-classifier"
        root = Path(os.environ.get("MODEL_ROOT") or "/opt/model-api/models")
        return cls(
            model_name=name,
            model_dir=Path(os.environ.get("MODEL_DIR") or root / name),
            database_url=os.environ.get("DATABASE_URL", ""),
            api_token=os.environ.get("API_TOKEN", ""),
            log_level=(os.environ.get("LOG_LEVEL") or "INFO").upper(),
            log_file=os.environ.get("LOG_FILE", ""),
            app_version=os.environ.get("APP_VERSION") or __version__,
            environment=os.environ.get("APP_ENV") or "lab",
            latency_injection=_flag("LAB_LATENCY_INJECTION"),
            host=os.environ.get("HOST") or "0.0.0.0",  # noqa: S104 - inside a container
            port=int(os.environ.get("PORT") or 8000),
        )


settings = Settings.from_env()
