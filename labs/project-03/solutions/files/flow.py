"""The Prefect flow `train-pipeline`: ingest -> validate -> train -> evaluate -> register."""

from __future__ import annotations

import pandas as pd
from prefect import flow, get_run_logger, task

from pipeline import ACCURACY_THRESHOLD
from pipeline.register import register_best
from pipeline.train import train_and_log
from pipeline.validate import validate


@task(retries=2, retry_delay_seconds=5)
def ingest(path: str) -> pd.DataFrame:
    df = pd.read_csv(path)
    get_run_logger().info("ingested %d rows from %s", len(df), path)
    return df


@task
def validate_data(df: pd.DataFrame) -> pd.DataFrame:
    """Fails the flow (and stops it before training) on bad data."""
    return validate(df)


@task
def train_model(df: pd.DataFrame) -> dict[str, object]:
    return train_and_log(df)


@task
def evaluate(result: dict[str, object]) -> bool:
    passed = float(result["accuracy"]) >= ACCURACY_THRESHOLD  # type: ignore[arg-type]
    get_run_logger().info(
        "accuracy %.3f, threshold %.2f: %s", result["accuracy"], ACCURACY_THRESHOLD, "pass" if passed else "fail"
    )
    return passed


@task
def register_model(passed: bool) -> int | None:
    if not passed:
        get_run_logger().warning("not registering: the model is below the threshold")
        return None
    return register_best()


@flow(name="train-pipeline", log_prints=True)
def train_pipeline(path: str = "data/raw/wine.csv") -> int | None:
    df = ingest(path)
    clean = validate_data(df)
    result = train_model(clean)
    passed = evaluate(result)
    return register_model(passed)


if __name__ == "__main__":
    train_pipeline()
