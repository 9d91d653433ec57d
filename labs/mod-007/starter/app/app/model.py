"""The model: loaded once, replaceable at run time by reload()."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import joblib
import numpy as np

# The iris classifier trained when the model-api image was built (MODEL_DIR overrides it).
MODEL_PATH = Path(os.environ.get("MODEL_DIR", "/opt/model-api/models/iris-classifier")) / "model.joblib"
CLASSES = ["setosa", "versicolor", "virginica"]

_lock = threading.Lock()
_model = None
_loaded_at = 0.0


def get():
    """The loaded model, loading it on first use."""
    global _model, _loaded_at
    with _lock:
        if _model is None:
            _model = joblib.load(MODEL_PATH)
            _loaded_at = time.time()
        return _model


def reload() -> float:
    """Load the model file again; returns the load time (Unix seconds)."""
    global _model, _loaded_at
    fresh = joblib.load(MODEL_PATH)
    with _lock:
        _model, _loaded_at = fresh, time.time()
        return _loaded_at


def predict(rows: list[list[float]]) -> list[tuple[str, dict[str, float]]]:
    """(label, {class: probability}) for each row of 4 features, in centimetres."""
    proba = get().predict_proba(np.asarray(rows, dtype=float))
    return [
        (CLASSES[int(p.argmax())], {c: round(float(v), 4) for c, v in zip(CLASSES, p)})
        for p in proba
    ]
