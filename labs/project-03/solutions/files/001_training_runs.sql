-- Migration 001: the pipeline's own metadata, one row per run of the flow train-pipeline.
-- Apply it once, from ~/pipeline:
--   psql "$PIPELINE_DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations/001_training_runs.sql
-- One transaction: a migration applies whole or not at all.
BEGIN;

CREATE TABLE training_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flow_run_id   uuid NOT NULL UNIQUE,            -- the Prefect flow run that trained
    mlflow_run_id text NOT NULL UNIQUE             -- the MLflow run that tracked it
                  CHECK (mlflow_run_id ~ '^[0-9a-f]{32}$'),
    data_path     text NOT NULL,
    data_md5      text NOT NULL CHECK (data_md5 ~ '^[0-9a-f]{32}$'),  -- as in the .dvc pointer
    n_rows        integer NOT NULL CHECK (n_rows > 0),
    accuracy      double precision NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
    f1_macro      double precision NOT NULL CHECK (f1_macro BETWEEN 0 AND 1),
    model_version integer CHECK (model_version > 0),  -- NULL: not registered
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- "the latest runs" and "runs of the last week" read the newest rows first.
CREATE INDEX training_runs_created_at_idx ON training_runs (created_at DESC);

COMMIT;
