"""The served model: model.joblib + metadata.json from MODEL_DIR, loaded at start, reloadable."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from model_api import metrics
from model_api.schemas import FEATURES

log = logging.getLogger("model_api.model")


class ModelUnavailable(RuntimeError):
    """No model is loaded (missing or broken files in MODEL_DIR)."""


@dataclass(frozen=True)
class Loaded:
    estimator: Any
    metadata: dict[str, Any]
    loaded_at: float

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unknown"))

    @property
    def classes(self) -> list[str]:
        return list(self.metadata["classes"])


class ModelHolder:
    def __init__(self, model_dir: Path, name: str) -> None:
        self.model_dir, self.name = model_dir, name
        self._lock = threading.Lock()
        self._current: Loaded | None = None
        self.error = "not loaded yet"

    def load(self) -> Loaded:
        """(Re)load from disk; on failure the previous model (if any) keeps serving."""
        try:
            metadata = json.loads((self.model_dir / "metadata.json").read_text())
            if list(metadata.get("features", [])) != FEATURES:
                raise ValueError(f"model features {metadata.get('features')} are not {FEATURES}")
            estimator = joblib.load(self.model_dir / "model.joblib")
        except (OSError, ValueError, KeyError) as exc:
            self.error = f"cannot load the model from {self.model_dir}: {exc}"
            log.error(self.error)
            if self._current is None:
                metrics.model_state(False)
            raise ModelUnavailable(self.error) from exc
        fresh = Loaded(estimator, metadata, time.time())
        with self._lock:
            self._current = fresh
        self.error = ""
        metrics.model_state(True, self.name, fresh.version, fresh.loaded_at)
        log.info("model %s %s loaded from %s", self.name, fresh.version, self.model_dir)
        return fresh

    @property
    def current(self) -> Loaded | None:
        return self._current

    def predict(self, row: list[float]) -> tuple[Loaded, str, dict[str, float]]:
        model = self._current
        if model is None:
            raise ModelUnavailable(self.error)
        proba = model.estimator.predict_proba(np.asarray([row], dtype=float))[0]
        classes = model.classes
        return model, classes[int(proba.argmax())], {c: round(float(p), 4) for c, p in zip(classes, proba, strict=True)}
