"""Train the models baked into the image (run at build time; nothing is downloaded).

python -m model_api.train OUT_DIR writes OUT_DIR/<name>/model.joblib and metadata.json for:
  iris-classifier  StandardScaler + LogisticRegression  (the default MODEL_NAME)
  iris-forest      RandomForestClassifier                (a second model to switch to)
on scikit-learn's bundled iris data, 20 % held out (stratified, random_state 42) for accuracy.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from model_api.schemas import FEATURES

MODELS = {
    "iris-classifier": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "iris-forest": lambda: RandomForestClassifier(n_estimators=50, max_depth=4, random_state=42),
}


def train(out: Path) -> None:
    iris = load_iris()
    x_tr, x_te, y_tr, y_te = train_test_split(
        iris.data, iris.target, test_size=0.2, random_state=42, stratify=iris.target
    )
    for name, make in MODELS.items():
        estimator = make().fit(x_tr, y_tr)
        metadata = {
            "name": name,
            "version": "1.0.0",
            "algorithm": type(estimator[-1] if hasattr(estimator, "steps") else estimator).__name__,
            "dataset": "sklearn.datasets.load_iris",
            "accuracy": round(float(estimator.score(x_te, y_te)), 4),
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__,
            "features": FEATURES,
            "classes": [str(c) for c in iris.target_names],
        }
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        # Temporary names, then rename: a running service never reads a half-written model.
        joblib.dump(estimator, folder / "model.joblib.tmp")
        (folder / "metadata.json.tmp").write_text(json.dumps(metadata, indent=2) + "\n")
        (folder / "model.joblib.tmp").replace(folder / "model.joblib")
        (folder / "metadata.json.tmp").replace(folder / "metadata.json")
        print(json.dumps(metadata))


if __name__ == "__main__":
    train(Path(sys.argv[1] if len(sys.argv) > 1 else "/opt/model-api/models"))
