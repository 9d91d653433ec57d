"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str = os.environ.get("DATABASE_URL", "")
    log_file: str = os.environ.get("LOG_FILE", "")
    log_level: str = os.environ.get("LOG_LEVEL", "INFO")
    model_dir: Path = Path(os.environ.get("MODEL_DIR", Path(__file__).resolve().parent.parent / "model"))
    app_version: str = os.environ.get("APP_VERSION", "0.1.0")
    environment: str = os.environ.get("APP_ENV", "dev")


settings = Settings()
