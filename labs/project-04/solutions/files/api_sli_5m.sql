-- View api_sli_5m of the log store (reference solution of project-04 / log-sli): per route
-- template (handler), the requests of the last 5 minutes, the 5xx among them, their ratio and
-- the exact p95 latency (the smallest latency at or above the 95 % cumulative share).
DROP VIEW IF EXISTS api_sli_5m;
CREATE VIEW api_sli_5m AS
WITH recent AS (
    SELECT handler, status, latency_ms
    FROM logs
    WHERE handler IS NOT NULL AND status IS NOT NULL
      AND julianday(ts) > julianday('now', '-5 minutes')
),
ranked AS (
    SELECT handler, latency_ms, cume_dist() OVER (PARTITION BY handler ORDER BY latency_ms) AS share
    FROM recent
)
SELECT
    r.handler,
    count(*) AS requests,
    sum(r.status >= 500) AS errors,
    round(1.0 * sum(r.status >= 500) / count(*), 4) AS error_ratio,
    (SELECT min(k.latency_ms) FROM ranked AS k WHERE k.handler = r.handler AND k.share >= 0.95) AS p95_latency_ms
FROM recent AS r
GROUP BY r.handler;
