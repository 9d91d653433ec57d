"""Training (milestone mlflow-tracking): every run is tracked in MLflow."""

from __future__ import annotations

import sys

import mlflow
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pipeline import EXPERIMENT

PARAMS = {"model_type": "logistic_regression", "C": 1.0, "max_iter": 2000, "scaler": "standard"}


def train_and_log(df: pd.DataFrame) -> dict[str, object]:
    X, y = df.drop(columns=["label"]), df["label"]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run() as run:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=PARAMS["C"], max_iter=PARAMS["max_iter"])).fit(
            X_tr, y_tr
        )
        predicted = model.predict(X_te)
        metrics = {
            "accuracy": float(accuracy_score(y_te, predicted)),
            "f1_macro": float(f1_score(y_te, predicted, average="macro")),
        }
        mlflow.log_params(PARAMS | {"rows": len(df)})
        mlflow.log_metrics(metrics)
        mlflow.sklearn.log_model(
            model, name="model", signature=infer_signature(X_te, predicted), input_example=X_te.head(2)
        )
    return {"run_id": run.info.run_id, **metrics}


if __name__ == "__main__":
    result = train_and_log(pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "data/raw/wine.csv"))
    print(result)
