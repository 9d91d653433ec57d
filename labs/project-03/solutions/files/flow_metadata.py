"""The Prefect flow `train-pipeline`: ingest -> validate -> train -> evaluate -> register, and
one row of metadata per run in PostgreSQL (milestone metadata-schema)."""

from __future__ import annotations

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from pipeline import ACCURACY_THRESHOLD
from pipeline.metadata import record_run
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


@task
def record_metadata(path: str, n_rows: int, result: dict[str, object], version: int | None) -> int:
    row = record_run(str(flow_run.id), path, n_rows, result, version)
    get_run_logger().info("recorded the run as training_runs.id = %d", row)
    return row


@flow(name="train-pipeline", log_prints=True)
def train_pipeline(path: str = "data/raw/wine.csv") -> int | None:
    df = ingest(path)
    clean = validate_data(df)
    result = train_model(clean)
    passed = evaluate(result)
    version = register_model(passed)
    record_metadata(path, len(clean), result, version)
    return version


if __name__ == "__main__":
    train_pipeline()
