"""logcheck: lab's checks of the learner's LogsQL queries (project-04, log-sli), run in a sandbox.

    python3 logcheck.py slow-requests FILE   the query finds only requests over 500 ms, slowest first
    python3 logcheck.py sli FILE             per handler: requests, errors, error_ratio,
                                             p95_latency_ms, the counts matching the log lines

Runs the query in FILE against the log store's LogsQL API ($LOGSTORE_URL, default
http://logstore:9428) and prints "ok: ..." or what is wrong, one line each; exit 0 either way
(the check reads the output).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path

STORE = os.environ.get("LOGSTORE_URL", "http://logstore:9428")
SLI_COLUMNS = {"handler", "requests", "errors", "error_ratio", "p95_latency_ms"}
# Queries run a moment apart while Prometheus scrapes /metrics every 5 s: allow that many lines.
SLACK = 3


def query(logsql: str) -> list[dict[str, str]]:
    data = urllib.parse.urlencode({"query": logsql}).encode()
    with urllib.request.urlopen(f"{STORE}/select/logsql/query", data, timeout=20) as response:  # noqa: S310
        return [json.loads(line) for line in response.read().decode().splitlines() if line.strip()]


def slow_requests(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "the query finds nothing: start slow load first (delay_ms=800), then check again"
    latencies = [float(r.get("latency_ms") or 0) for r in rows]
    if min(latencies) <= 500:
        return f"a line of {min(latencies):g} ms is not slower than 500 ms"
    if latencies != sorted(latencies, reverse=True):
        return "the lines are not sorted slowest first"
    extra = set().union(*rows) - {"_time", "request_id", "handler", "status", "latency_ms"}
    if extra:
        return f"fields beyond _time, request_id, handler, status and latency_ms: {', '.join(sorted(extra))}"
    return f"ok: {len(rows)} slow requests, the slowest {latencies[0]:g} ms"


def sli(rows: list[dict[str, str]]) -> str:
    missing = SLI_COLUMNS - set(rows[0]) if rows else SLI_COLUMNS
    if missing:
        return f"missing columns: {', '.join(sorted(missing))}"
    truth = query('_time:5m handler:="/metrics" status:* | stats count() requests, count() if (status:>=500) errors')
    mine = [r for r in rows if r["handler"] == "/metrics"]
    if not mine:
        return "no row for the handler /metrics (Prometheus scrapes it every 5 s)"
    for column in ("requests", "errors"):
        if abs(float(mine[0][column]) - float(truth[0][column])) > SLACK:
            return f"/metrics: {column} {mine[0][column]}, the log lines of the last 5 minutes say {truth[0][column]}"
    for row in rows:
        if abs(float(row["error_ratio"]) * float(row["requests"]) - float(row["errors"])) > 0.01:
            return f"{row['handler']}: error_ratio {row['error_ratio']} is not errors / requests"
    return f"ok: {len(rows)} handlers, /metrics {mine[0]['requests']} requests"


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    if not path.is_file():
        print(f"{path} does not exist")
        return
    try:
        rows = query(path.read_text())
    except OSError as exc:  # HTTPError included: the store says why the query does not parse
        detail = exc.read().decode(errors="replace")[:300] if hasattr(exc, "read") else str(exc)
        print(f"the log store refuses the query: {detail}")
        return
    print(slow_requests(rows) if kind == "slow-requests" else sli(rows))


if __name__ == "__main__":
    main()
