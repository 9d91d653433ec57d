"""The Prefect flow `sample-pipeline`: ingest -> validate -> train -> evaluate -> register."""

from __future__ import annotations

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.models import infer_signature
from prefect import flow, get_run_logger, task
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import ACCURACY_THRESHOLD, DATA_DIR, SAMPLE_NAME
from .validation import validate

PARAMS = {"model_type": "logistic_regression", "C": 1.0, "max_iter": 1000}


@task(retries=2, retry_delay_seconds=2)
def ingest(path: str) -> pd.DataFrame:
    df = pd.read_csv(path)
    get_run_logger().info("ingested %d rows from %s", len(df), path)
    return df


@task
def validate_data(df: pd.DataFrame) -> pd.DataFrame:
    return validate(df)  # raises on bad data: the flow fails here and never trains


@task
def train(df: pd.DataFrame) -> dict[str, object]:
    X, y = df.drop(columns=["label"]), df["label"]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    mlflow.set_experiment(SAMPLE_NAME)
    with mlflow.start_run(run_name="sample") as run:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=PARAMS["C"], max_iter=PARAMS["max_iter"]))
        model.fit(X_tr, y_tr)
        predicted = model.predict(X_te)
        metrics = {
            "accuracy": float(accuracy_score(y_te, predicted)),
            "f1_macro": float(f1_score(y_te, predicted, average="macro")),
        }
        mlflow.log_params(PARAMS | {"rows": len(df)})
        mlflow.log_metrics(metrics)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X_te, predicted),
            input_example=X_te.head(2),
            pip_requirements=["scikit-learn", "pandas"],
        )
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, **metrics}


@task
def evaluate(result: dict[str, object]) -> bool:
    passed = float(result["accuracy"]) >= ACCURACY_THRESHOLD  # type: ignore[arg-type]
    get_run_logger().info(
        "accuracy %.3f (threshold %.2f): %s", result["accuracy"], ACCURACY_THRESHOLD, "pass" if passed else "fail"
    )
    return passed


@task
def register(result: dict[str, object], passed: bool) -> int | None:
    if not passed:
        get_run_logger().warning("below the threshold: not registered")
        return None
    version = mlflow.register_model(str(result["model_uri"]), SAMPLE_NAME)
    MlflowClient().set_registered_model_alias(SAMPLE_NAME, "champion", version.version)
    get_run_logger().info("registered %s version %s (alias champion)", SAMPLE_NAME, version.version)
    return int(version.version)


@flow(name=SAMPLE_NAME, log_prints=True)
def sample_pipeline(path: str = str(DATA_DIR / "wine.csv")) -> int | None:
    df = ingest(path)
    clean = validate_data(df)
    result = train(clean)
    passed = evaluate(result)
    return register(result, passed)
