-- Seed of labs/project-05: history of the production database, so the backup drill has data.
-- Run once by ansible/labs/project-05/site.yml in database modelapi_prod as its owner role (modelapi_prod),
-- after creating the table from images/model-api/model_api/schema.sql. 5,000 predictions over
-- the last 30 days, deterministic.
INSERT INTO predictions (request_id, created_at, model_name, model_version, features, label,
                         probabilities, latency_ms)
SELECT md5('prod-' || i)::uuid,
       now() - (i * interval '518 seconds'),
       'iris-classifier',
       CASE WHEN i % 10 = 0 THEN '0.9.0' ELSE '1.0.0' END,
       jsonb_build_object('sepal_length', 4.5 + (i % 30) / 10.0, 'sepal_width', 2.5 + (i % 15) / 10.0,
                          'petal_length', 1.0 + (i % 55) / 10.0, 'petal_width', 0.1 + (i % 24) / 10.0),
       (ARRAY['setosa', 'versicolor', 'virginica'])[1 + i % 3],
       jsonb_build_object('setosa', 0.8, 'versicolor', 0.15, 'virginica', 0.05),
       (3 + (i * 7919) % 400 / 10.0)::real
FROM generate_series(1, 5000) AS i;
