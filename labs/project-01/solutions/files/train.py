"""Milestone train-model: train the iris classifier and save it with its metadata."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_DIR = Path(os.environ.get("MODEL_DIR", Path(__file__).resolve().parent / "model"))
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CLASSES = ["setosa", "versicolor", "virginica"]


def main() -> None:
    X, y = load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_tr, y_tr)
    accuracy = float(model.score(X_te, y_te))

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    # Write to temporary names and rename: the running API never sees a half-written file.
    tmp_model = MODEL_DIR / "model.joblib.tmp"
    joblib.dump(model, tmp_model)
    metadata = {
        "name": "iris-classifier",
        "version": "1.0.0",
        "accuracy": accuracy,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "features": FEATURES,
        "classes": CLASSES,
    }
    tmp_meta = MODEL_DIR / "metadata.json.tmp"
    tmp_meta.write_text(json.dumps(metadata, indent=2) + "\n")
    tmp_model.replace(MODEL_DIR / "model.joblib")
    tmp_meta.replace(MODEL_DIR / "metadata.json")
    print(json.dumps(metadata))


if __name__ == "__main__":
    main()
