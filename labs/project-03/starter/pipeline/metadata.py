"""Training metadata in PostgreSQL (milestone metadata-schema).

TODO: record_run(...) inserts one row per run of the flow train-pipeline into the table
training_runs of the database at PIPELINE_DATABASE_URL (its schema: your migration in
migrations/), and returns the new row's id. The PostgreSQL driver asyncpg is installed
(`await asyncpg.connect(url)`, `await connection.fetchval(sql, *values)`; run it from sync
code with `asyncio.run`).
"""

from __future__ import annotations


def record_run(flow_run_id: str, path: str, n_rows: int, result: dict[str, object], version: int | None) -> int:
    raise NotImplementedError("milestone metadata-schema")
