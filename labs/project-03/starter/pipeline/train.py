"""Training (milestone mlflow-tracking).

TODO: train_and_log(df) trains a classifier on a stratified 80/20 split (random_state=42),
logs to the MLflow experiment pipeline.EXPERIMENT the parameters (at least `model_type`), the
metrics `accuracy` and `f1_macro` on the test part, and the fitted model (with a signature),
and returns {"run_id": ..., "accuracy": ..., "f1_macro": ...}.
"""

from __future__ import annotations

import sys

import pandas as pd


def train_and_log(df: pd.DataFrame) -> dict[str, object]:
    raise NotImplementedError("milestone mlflow-tracking")


if __name__ == "__main__":
    result = train_and_log(pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "data/raw/wine.csv"))
    print(result)
