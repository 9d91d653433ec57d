"""Provision-time setup of the mod-004 workspace (run once by the seed playbook, as learner).

Writes data/{iris,wine}_{train,test}.csv, models/iris_logreg.{joblib,onnx} and
models/wine_pipeline.joblib. Deterministic: fixed random_state everywhere.
"""

from __future__ import annotations

import csv
from pathlib import Path

import joblib
import numpy as np
from skl2onnx import to_onnx
from sklearn.datasets import load_iris, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent


def write_csv(path: Path, X: np.ndarray, y: np.ndarray, names: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*names, "label"])
        for row, label in zip(X, y, strict=True):
            writer.writerow([*(f"{v:.6g}" for v in row), int(label)])


def main() -> None:
    (ROOT / "models").mkdir(exist_ok=True)
    for d in ("out", "reports"):
        (ROOT / d).mkdir(exist_ok=True)

    iris = load_iris()
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    X_tr, X_te, y_tr, y_te = train_test_split(
        iris.data, iris.target, test_size=30, random_state=0, stratify=iris.target
    )
    X_te = np.array([[float(f"{v:.6g}") for v in row] for row in X_te])
    write_csv(ROOT / "data/iris_train.csv", X_tr, y_tr, names)
    iris_model = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
    joblib.dump(iris_model, ROOT / "models/iris_logreg.joblib")
    onx = to_onnx(iris_model, X_tr[:1].astype(np.float32), options={"zipmap": False})
    (ROOT / "models/iris_logreg.onnx").write_bytes(onx.SerializeToString())
    write_csv(ROOT / "data/iris_test.csv", X_te, y_te, names)

    wine = load_wine()
    X_tr, X_te, y_tr, y_te = train_test_split(
        wine.data, wine.target, test_size=0.2, random_state=0, stratify=wine.target
    )
    wine_model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_tr, y_tr)
    joblib.dump(wine_model, ROOT / "models/wine_pipeline.joblib")
    write_csv(ROOT / "data/wine_train.csv", X_tr, y_tr, list(wine.feature_names))
    write_csv(ROOT / "data/wine_test.csv", X_te, y_te, list(wine.feature_names))
    print("prepared", ", ".join(sorted(p.name for p in (ROOT / "models").iterdir())))


if __name__ == "__main__":
    main()
