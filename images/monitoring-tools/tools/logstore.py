"""logstore: a log pipeline small enough for a laptop. A shipper thread tails the JSON log file
of a service ($LOGSTORE_FILE, default /var/log/model-api/model-api.log on a volume shared with
the service) into SQLite ($LOGSTORE_DB, default /var/lib/logstore/logs.db); HTTP answers queries.

Table logs: id, ts (ISO 8601, UTC), level, logger, msg, request_id, method, path, handler,
            status, latency_ms, client, raw (the whole line). Lines that are not JSON are kept
            with level NULL and the line in msg and raw.
GET  /query?sql=SELECT ...   one read-only statement (SELECT or WITH; views work too), at most
                             1000 rows: {"columns": [...], "rows": [[...]], "count": N}
GET  /logs?level=ERROR&handler=/predict&status=500&min_latency_ms=500&request_id=...&limit=50
                             the newest matching lines, as objects
GET  /metrics                logstore_lines_ingested_total{level}, logstore_parse_errors_total,
                             logstore_last_ingest_timestamp_seconds, logstore_rows
GET  /health                 {"status": "ok", "rows": N}
Inside the container `sqlite3 /var/lib/logstore/logs.db` is the full SQL shell (views, indexes).
The shipper remembers how far it read (table shipper_offset), follows truncation and rotation,
and never loses a line that was half written when it looked.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from common import METRICS_TYPE, Handler, exposition, serve

SOURCE = Path(os.environ.get("LOGSTORE_FILE", "/var/log/model-api/model-api.log"))
DB = Path(os.environ.get("LOGSTORE_DB", "/var/lib/logstore/logs.db"))
POLL = float(os.environ.get("LOGSTORE_POLL_SECONDS", "1"))
MAX_ROWS = 1000
FIELDS = ("ts", "level", "logger", "msg", "request_id", "method", "path", "handler", "status", "latency_ms", "client")
SCHEMA = """
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    ts TEXT, level TEXT, logger TEXT, msg TEXT,
    request_id TEXT, method TEXT, path TEXT, handler TEXT, status INTEGER, latency_ms REAL, client TEXT,
    raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_ts ON logs (ts);
CREATE INDEX IF NOT EXISTS logs_request_id ON logs (request_id);
CREATE TABLE IF NOT EXISTS shipper_offset (file TEXT PRIMARY KEY, inode INTEGER, offset INTEGER);
"""
stats: dict[str, Any] = {"levels": {}, "parse_errors": 0, "last": 0.0}
stats_lock = threading.Lock()


def connect(readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, timeout=10, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        return conn
    DB.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(DB, timeout=10)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(SCHEMA)
    return conn


def parse(line: str) -> tuple[dict[str, Any], bool]:
    try:
        entry = json.loads(line)
        if not isinstance(entry, dict):
            raise ValueError("not an object")
    except ValueError:
        return {"msg": line}, False
    row = {k: entry.get(k) for k in FIELDS}
    status = str(row["status"])
    row["status"] = int(status) if status.isdigit() else None
    return row, True


def ship_once(conn: sqlite3.Connection) -> int:
    """Read what was appended since last time; only whole lines, so a half-written one waits."""
    try:
        st = SOURCE.stat()
    except FileNotFoundError:
        return 0
    known = conn.execute("SELECT inode, offset FROM shipper_offset WHERE file = ?", (str(SOURCE),)).fetchone()
    offset = known[1] if known and known[0] == st.st_ino and known[1] <= st.st_size else 0  # rotated/truncated
    if offset == st.st_size:
        return 0
    with SOURCE.open("rb") as fh:
        fh.seek(offset)
        data = fh.read(8 << 20)
    end = data.rfind(b"\n")
    if end < 0:
        return 0
    lines = data[: end + 1].decode(errors="replace").splitlines()
    rows, levels, errors = [], {}, 0
    for line in lines:
        if not line.strip():
            continue
        row, ok = parse(line)
        errors += 0 if ok else 1
        level = row.get("level") or "unparsed"
        levels[level] = levels.get(level, 0) + 1
        rows.append([row.get(k) for k in FIELDS] + [line])
    with conn:
        conn.executemany(
            f"INSERT INTO logs ({', '.join(FIELDS)}, raw) VALUES ({', '.join('?' * (len(FIELDS) + 1))})",  # noqa: S608
            rows,
        )
        conn.execute(
            "INSERT INTO shipper_offset (file, inode, offset) VALUES (?, ?, ?) "
            "ON CONFLICT (file) DO UPDATE SET inode = excluded.inode, offset = excluded.offset",
            (str(SOURCE), st.st_ino, offset + end + 1),
        )
    with stats_lock:
        for level, n in levels.items():
            stats["levels"][level] = stats["levels"].get(level, 0) + n
        stats["parse_errors"] += errors
        stats["last"] = time.time()
    return len(rows)


def shipper() -> None:
    conn = connect()
    print(f"shipping {SOURCE} into {DB}", flush=True)
    while True:
        try:
            while ship_once(conn):
                pass
        except (OSError, sqlite3.Error) as exc:
            print(f"shipper: {exc} (retrying)", flush=True)
        time.sleep(POLL)


def query(sql: str) -> dict[str, Any]:
    statement = sql.strip().rstrip(";")
    first = statement.split(None, 1)[0].lower() if statement else ""
    if first not in ("select", "with"):  # and the connection is read-only anyway
        raise ValueError("only one SELECT (or WITH ... SELECT) statement")
    conn = connect(readonly=True)
    try:
        cursor = conn.execute(statement)
        rows = cursor.fetchmany(MAX_ROWS)
        columns = [d[0] for d in cursor.description or []]
    except sqlite3.Error as exc:
        raise ValueError(f"SQLite: {exc}") from exc
    finally:
        conn.close()
    return {"columns": columns, "rows": rows, "count": len(rows)}


def recent(params: dict[str, str]) -> list[dict[str, Any]]:
    where, args = [], []
    for key in ("level", "handler", "request_id", "method", "path"):
        if params.get(key):
            where.append(f"{key} = ?")
            args.append(params[key])
    if params.get("status"):
        where.append("status = ?")
        args.append(int(params["status"]))
    if params.get("min_latency_ms"):
        where.append("latency_ms >= ?")
        args.append(float(params["min_latency_ms"]))
    limit = min(int(params.get("limit", 50)), MAX_ROWS)
    # Fixed column names only; every value is a parameter.
    sql = f"SELECT id, {', '.join(FIELDS)} FROM logs {'WHERE ' + ' AND '.join(where) if where else ''}"  # noqa: S608
    conn = connect(readonly=True)
    try:
        rows = conn.execute(f"{sql} ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
    finally:
        conn.close()
    return [dict(zip(("id", *FIELDS), r, strict=True)) for r in rows]


def row_count() -> int:
    conn = connect(readonly=True)
    try:
        return int(conn.execute("SELECT count(*) FROM logs").fetchone()[0])
    finally:
        conn.close()


def metrics() -> str:
    with stats_lock:
        levels, errors, last = dict(stats["levels"]), stats["parse_errors"], stats["last"]
    return exposition(
        [
            (
                "logstore_lines_ingested_total",
                "counter",
                "Log lines shipped into the store since start, by level (unparsed: not JSON)",
                [({"level": k}, v) for k, v in sorted(levels.items())],
            ),
            ("logstore_parse_errors_total", "counter", "Lines that were not JSON objects", [({}, errors)]),
            ("logstore_last_ingest_timestamp_seconds", "gauge", "Unix time of the last shipped batch", [({}, last)]),
            ("logstore_rows", "gauge", "Rows in the logs table", [({}, row_count())]),
        ]
    )


class LogstoreHandler(Handler):
    def route(self, method: str, path: str, query_args: dict[str, str]) -> tuple[int, Any, str]:
        if method not in ("GET", "HEAD"):
            return 405, {"error": "read only: GET /query, /logs"}, "application/json"
        if path == "/query":
            return 200, query(query_args.get("sql", "")), "application/json"
        if path == "/logs":
            return 200, recent(query_args), "application/json"
        if path == "/metrics":
            return 200, metrics(), METRICS_TYPE
        if path == "/health":
            return 200, {"status": "ok", "rows": row_count()}, "application/json"
        if path == "/":
            return 200, __doc__ or "", "text/plain"
        return 404, {"error": f"no route {method} {path}"}, "application/json"


def main() -> None:
    connect().close()  # the schema exists before the first query
    threading.Thread(target=shipper, daemon=True).start()
    serve(LogstoreHandler, int(os.environ.get("PORT", "8090")), "logstore")


if __name__ == "__main__":
    main()
