"""Training metadata in PostgreSQL (milestone metadata-schema): one row per run of the flow in
the table training_runs (migrations/001_training_runs.sql) of the database at
PIPELINE_DATABASE_URL. asyncpg is the PostgreSQL driver Prefect itself installs."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import asyncpg

INSERT = """
INSERT INTO training_runs
    (flow_run_id, mlflow_run_id, data_path, data_md5, n_rows, accuracy, f1_macro, model_version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id
"""


def md5sum(path: str) -> str:
    return hashlib.md5(Path(path).read_bytes()).hexdigest()  # noqa: S324 - DVC's content hash


async def _insert(*values: object) -> int:
    connection = await asyncpg.connect(os.environ["PIPELINE_DATABASE_URL"])
    try:
        return int(await connection.fetchval(INSERT, *values))
    finally:
        await connection.close()


def record_run(flow_run_id: str, path: str, n_rows: int, result: dict[str, object], version: int | None) -> int:
    """Insert the row of one flow run; returns its id."""
    return asyncio.run(
        _insert(
            flow_run_id,
            result["run_id"],
            path,
            md5sum(path),
            n_rows,
            result["accuracy"],
            result["f1_macro"],
            version,
        )
    )
