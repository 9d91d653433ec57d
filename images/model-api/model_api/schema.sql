-- The prediction log of model-api (one row per prediction). The service creates it when it is
-- missing and its role may; a playbook can create it up front and grant INSERT, SELECT only.
CREATE TABLE IF NOT EXISTS predictions (
    id             bigserial PRIMARY KEY,
    request_id     uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    model_name     text NOT NULL,
    model_version  text NOT NULL,
    features       jsonb NOT NULL,
    label          text NOT NULL,
    probabilities  jsonb NOT NULL,
    latency_ms     real NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_created_at_idx ON predictions (created_at);
