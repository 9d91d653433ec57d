-- Seed of labs/mod-008: the `mlops` database, loaded at image build time by bake.sh
-- (psql -v ON_ERROR_STOP=1 -d mlops -f mlops.sql into the cluster the entrypoint copies).
-- Deterministic: no random(), so every instance has the same rows and the checks can name exact
-- numbers (20 models, 2,000 experiments, 100,000 predictions, 4 predictions with a score out of
-- range, no index on predictions besides its primary key).
BEGIN;

CREATE TABLE models (
    id          integer PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    framework   text NOT NULL,
    owner       text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE experiments (
    id               integer PRIMARY KEY,
    model_id         integer NOT NULL REFERENCES models (id),
    name             text NOT NULL,
    params           jsonb NOT NULL,
    metric_accuracy  real,
    status           text NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz
);

CREATE TABLE predictions (
    id             bigint PRIMARY KEY,
    model_id       integer NOT NULL REFERENCES models (id),
    experiment_id  integer NOT NULL REFERENCES experiments (id),
    request_id     uuid NOT NULL,
    features       jsonb NOT NULL,
    score          real NOT NULL,
    label          text NOT NULL,
    latency_ms     real NOT NULL,
    created_at     timestamptz NOT NULL
);

INSERT INTO models (id, name, framework, owner, created_at)
SELECT t.id, t.name, t.framework, t.owner, timestamptz '2024-01-01 00:00:00+00' + (t.id * interval '3 days')
FROM (VALUES
    (1, 'fraud-xgb', 'xgboost', 'risk'),
    (2, 'churn-logreg', 'scikit-learn', 'growth'),
    (3, 'recsys-als', 'implicit', 'personalization'),
    (4, 'sentiment-bert', 'pytorch', 'nlp'),
    (5, 'demand-prophet', 'prophet', 'supply'),
    (6, 'ranker-lgbm', 'lightgbm', 'search'),
    (7, 'image-resnet50', 'pytorch', 'vision'),
    (8, 'ner-spacy', 'spacy', 'nlp'),
    (9, 'anomaly-iforest', 'scikit-learn', 'risk'),
    (10, 'pricing-gbm', 'scikit-learn', 'pricing'),
    (11, 'credit-scorecard', 'scikit-learn', 'risk'),
    (12, 'eta-regressor', 'lightgbm', 'logistics'),
    (13, 'spam-nb', 'scikit-learn', 'trust'),
    (14, 'intent-distilbert', 'pytorch', 'nlp'),
    (15, 'forecast-arima', 'statsmodels', 'supply'),
    (16, 'embed-minilm', 'sentence-transformers', 'search'),
    (17, 'ltv-regressor', 'xgboost', 'growth'),
    (18, 'segment-kmeans', 'scikit-learn', 'growth'),
    (19, 'ocr-crnn', 'pytorch', 'vision'),
    (20, 'speech-whisper-tiny', 'pytorch', 'speech')
) AS t (id, name, framework, owner);

-- Experiment e belongs to model 1 + ((e - 1) % 20).
INSERT INTO experiments (id, model_id, name, params, metric_accuracy, status, started_at, finished_at)
SELECT e,
       1 + ((e - 1) % 20),
       'exp-' || lpad(e::text, 4, '0'),
       jsonb_build_object('learning_rate', round((0.001 * (1 + e % 50))::numeric, 3),
                          'max_depth', 3 + e % 8,
                          'n_estimators', 100 * (1 + e % 5)),
       CASE WHEN e % 50 = 0 THEN NULL ELSE (0.70 + ((e * 37) % 290) / 1000.0)::real END,
       CASE WHEN e % 50 = 0 THEN 'failed' WHEN e % 17 = 0 THEN 'running' ELSE 'finished' END,
       timestamptz '2024-05-01 00:00:00+00' + e * interval '17 minutes',
       CASE WHEN e % 17 = 0 AND e % 50 <> 0 THEN NULL
            ELSE timestamptz '2024-05-01 00:00:00+00' + e * interval '17 minutes' + (10 + e % 90) * interval '1 minute' END
FROM generate_series(1, 2000) AS e;

-- Prediction i: model 1 + (i % 20), experiment 1 + (i % 2000) (an experiment of the same model),
-- one every 26 seconds from 2024-06-01 (30 days).
INSERT INTO predictions (id, model_id, experiment_id, request_id, features, score, label, latency_ms, created_at)
SELECT i,
       1 + (i % 20),
       1 + (i % 2000),
       md5(i::text)::uuid,
       jsonb_build_object('amount', round(((i * 31) % 10000 / 10.0)::numeric, 1),
                          'country', (ARRAY['DE', 'FR', 'NL', 'PL', 'ES'])[1 + i % 5],
                          'tenure_days', (i * 13) % 3650),
       s.score,
       CASE WHEN s.score >= 0.5 THEN 'positive' ELSE 'negative' END,
       (5 + ((i * 104729) % 2000) / 10.0)::real,
       timestamptz '2024-06-01 00:00:00+00' + i * interval '26 seconds'
FROM generate_series(1::bigint, 100000) AS i
CROSS JOIN LATERAL (
    SELECT (CASE WHEN i IN (13, 4242, 77777) THEN 1.5
                 WHEN i = 99999 THEN -0.2
                 ELSE ((i * 7919) % 1000) / 1000.0 END)::real AS score
) AS s;

COMMIT;

ANALYZE;
