"""The Prefect flow `train-pipeline` (milestone prefect-flow).

Tasks: ingest -> validate -> train -> evaluate -> register. Only ingest is wired so far.
Run it with `python -m pipeline.flow`: with PREFECT_API_URL set, the run is recorded by the
Prefect server.
"""

from __future__ import annotations

import pandas as pd
from prefect import flow, get_run_logger, task


@task(retries=2, retry_delay_seconds=5)
def ingest(path: str) -> pd.DataFrame:
    df = pd.read_csv(path)
    get_run_logger().info("ingested %d rows from %s", len(df), path)
    return df


# TODO: tasks validate_data, train_model, evaluate and register_model, each calling the
# functions of pipeline.validate, pipeline.train and pipeline.register.


@flow(name="train-pipeline", log_prints=True)
def train_pipeline(path: str = "data/raw/wine.csv") -> None:
    ingest(path)
    # TODO: validate -> train -> evaluate -> register


if __name__ == "__main__":
    train_pipeline()
