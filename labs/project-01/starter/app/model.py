"""The served model and its metadata, loaded lazily from MODEL_DIR."""

from __future__ import annotations

import json
import threading
from typing import Any

import joblib
import numpy as np

from app.config import settings

CLASSES = ["setosa", "versicolor", "virginica"]
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

_lock = threading.Lock()
_model: Any = None
_metadata: dict[str, Any] = {}


def load() -> None:
    """Load model.joblib and metadata.json; FileNotFoundError when train.py has not run."""
    global _model, _metadata
    model = joblib.load(settings.model_dir / "model.joblib")
    metadata = json.loads((settings.model_dir / "metadata.json").read_text())
    with _lock:
        _model, _metadata = model, metadata


def is_loaded() -> bool:
    if _model is None:
        try:
            load()
        except FileNotFoundError:
            return False
    return True


def version() -> str | None:
    return _metadata.get("version") if is_loaded() else None


def predict(rows: list[list[float]]) -> list[tuple[str, dict[str, float]]]:
    """(label, {class: probability}) per row; RuntimeError when no model is available."""
    if not is_loaded():
        raise RuntimeError("no model: run train.py")
    proba = _model.predict_proba(np.asarray(rows, dtype=float))
    return [
        (CLASSES[int(p.argmax())], {c: round(float(v), 4) for c, v in zip(CLASSES, p)})
        for p in proba
    ]
