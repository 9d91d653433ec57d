"""pipelinecheck: lab's checks of the log pipeline's configuration (project-04), run in a sandbox.

    python3 pipelinecheck.py retention PERIOD SIZE   the store runs with this policy (e.g. 14d
                                                     256MiB), kept the lines from before its last
                                                     start, and receives new ones
    python3 pipelinecheck.py mapping                 a new request's line arrives without `client`,
                                                     in a stream of its service and level

Both send one request to the API with its own request id and look for its line in the store
(through the shipper). Prints "ok: ..." or what is wrong, one line; exit 0 either way (the check
reads the output).
"""

from __future__ import annotations

import re
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime

from logcheck import STORE, query

API = "http://api:8000"
HOURS = {"h": 1, "d": 24, "w": 24 * 7, "y": 24 * 365}
BYTES = {"": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
FLAG = re.compile(r'^flag\{name="([^"]+)", value="([^"]*)"', re.MULTILINE)
DELIVERY_S = 30
NOT_DELIVERED = f"a new request's log line did not reach the store in {DELIVERY_S} s: is the shipper running?"


def hours(value: str) -> float | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([hdwy]?)", value.strip())
    # a bare number is months to VictoriaLogs
    return float(match[1]) * HOURS.get(match[2], 31 * 24) if match else None


def size(value: str) -> float | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?B)?", value.strip())
    return float(match[1]) * BYTES[match[2] or ""] if match else None


def metrics() -> tuple[dict[str, str], float]:
    with urllib.request.urlopen(f"{STORE}/metrics", timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    started = re.search(r"^vm_app_start_timestamp (\d+)", text, re.MULTILINE)
    return dict(FLAG.findall(text)), float(started[1]) if started else time.time()


def policy_problem(flags: dict[str, str], period: str, limit: str) -> str | None:
    got_period, got_size = flags.get("retentionPeriod", ""), flags.get("retention.maxDiskSpaceUsageBytes", "")
    if hours(got_period) != hours(period):
        return f"the store keeps logs for {got_period or 'its default'}, the policy says {period}"
    if size(got_size) != size(limit):
        return f"the store may use {got_size or 'any amount'} of disk, the policy says {limit}"
    return None


def kept_before(started: float) -> int:
    """Lines stored before the store's last start: a restart that lost the volume has none."""
    since = datetime.fromtimestamp(started - 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = query(f"_time:[{since}, {until}) | stats count() lines")
    return int(rows[0]["lines"]) if rows else 0


def fresh_line() -> dict[str, str] | None:
    """A new request's log line as the store keeps it, or None if it did not arrive in time."""
    request_id = f"pipeline-check-{uuid.uuid4()}"
    request = urllib.request.Request(f"{API}/health", headers={"X-Request-ID": request_id})  # noqa: S310
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
    deadline = time.monotonic() + DELIVERY_S
    while time.monotonic() < deadline:
        rows = query(f'request_id:="{request_id}"')
        if rows:
            return rows[0]
        time.sleep(1)
    return None


def retention(period: str, limit: str) -> str:
    flags, started = metrics()
    problem = policy_problem(flags, period, limit)
    if problem:
        return f"{problem}: set it in /etc/victoria-logs/flags, then restart the store"
    if not kept_before(started):
        return "no line from before the store's last start is left: was its volume removed?"
    if fresh_line() is None:
        return NOT_DELIVERED
    return f"ok: {period} and {limit}, the older lines kept, new lines arriving"


def mapping() -> str:
    row = fresh_line()
    if row is None:
        return NOT_DELIVERED
    if "client" in row:
        return "new lines still carry `client`, the caller's address: have the store ignore that field"
    if 'level="' not in row.get("_stream", ""):
        return f"new lines go to the stream {row.get('_stream')}: make `level` a stream field beside `service`"
    return f"ok: new lines in the stream {row['_stream']}, without the caller's address"


if __name__ == "__main__":
    try:
        print(retention(*sys.argv[2:4]) if sys.argv[1] == "retention" else mapping())
    except OSError as exc:
        print(f"the log store or the API does not answer: {exc}")
