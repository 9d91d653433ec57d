"""One instant query against Prometheus' HTTP API (`/api/v1/query`), the way Grafana sends a panel's
query, with Prometheus' own reason when it refuses one."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class QueryError(Exception):
    """Prometheus refused the query (its parse error, say) or did not answer."""


def series_count(base: str, expr: str, timeout: float) -> int:
    """How many series `expr` returns now."""
    return len(results(base, expr, timeout))


def results(base: str, expr: str, timeout: float) -> list[dict[str, Any]]:
    """The series `expr` returns now, as Prometheus lists them (`metric`, `value`)."""
    return list(_data(_get(base, expr, timeout)).get("result") or [])


def _get(base: str, expr: str, timeout: float) -> dict[str, Any]:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - the lab's own endpoint
            return _json(resp.read())
    except urllib.error.HTTPError as exc:  # 400 and 422 carry the reason in the body
        return _json(exc.read(1 << 16))
    except (urllib.error.URLError, OSError) as exc:
        raise QueryError(f"no answer from Prometheus at {base} ({getattr(exc, 'reason', exc)})") from exc


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise QueryError(f"Prometheus answered something other than JSON: {body[:80]!r}") from exc
    return data if isinstance(data, dict) else {}


def _data(answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("status") != "success":
        reason = answer.get("error") or "no reason given"
        raise QueryError(f"Prometheus refused the query: {reason}")
    return answer.get("data") or {}
