"""Model registry (milestone model-registry): register the best run, alias `champion`."""

from __future__ import annotations

import mlflow
from mlflow import MlflowClient

from pipeline import ACCURACY_THRESHOLD, EXPERIMENT, MODEL_NAME


def register_best() -> int | None:
    runs = mlflow.search_runs(experiment_names=[EXPERIMENT], order_by=["metrics.accuracy DESC"], max_results=1)
    if runs.empty:
        print("no run to register")
        return None
    best = runs.iloc[0]
    version = mlflow.register_model(f"runs:/{best.run_id}/model", MODEL_NAME)
    accuracy = float(best["metrics.accuracy"])
    if accuracy >= ACCURACY_THRESHOLD:
        MlflowClient().set_registered_model_alias(MODEL_NAME, "champion", version.version)
        print(f"{MODEL_NAME} v{version.version} (accuracy {accuracy:.3f}) is the champion")
    else:
        print(f"{MODEL_NAME} v{version.version} registered; accuracy {accuracy:.3f} too low")
    return int(version.version)


if __name__ == "__main__":
    print(register_best())
