"""webhook-receiver: records every Alertmanager notification, so delivery can be checked.

POST /hooks/<hook>       Alertmanager's webhook_config url (any <hook> name: default, critical,
                         ...): the notification is kept in memory and appended as one JSON line
                         to $WEBHOOK_LOG (default /var/lib/webhook/notifications.jsonl)
GET  /hooks/<hook>       what <hook> received, newest last: time, status, alerts (name, status,
                         labels, annotations)
GET  /notifications      everything received, all hooks
GET  /delivered?alertname=TargetDown&status=firing[&hook=critical][&<label>=<value>...]
                         {"delivered": true|false, "count": N, "first": ..., "last": ...}:
                         alerts delivered with that status (firing or resolved), on that hook,
                         whose labels match the other parameters
DELETE /notifications    forget everything (and truncate the file)
GET  /metrics            webhook_notifications_total{hook,status}, webhook_alerts_total{hook,
                         alertname,status}, webhook_last_notification_timestamp_seconds
GET  /health             {"status": "ok"}
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import METRICS_TYPE, Handler, exposition, serve

LOG = Path(os.environ.get("WEBHOOK_LOG", "/var/lib/webhook/notifications.jsonl"))
KEEP = 5000
RESERVED = {"alertname", "status", "hook"}
lock = threading.Lock()
received: list[dict[str, Any]] = []


def load() -> None:
    if LOG.exists():
        for line in LOG.read_text(errors="replace").splitlines()[-KEEP:]:
            try:
                received.append(json.loads(line))
            except ValueError:
                continue


def summary(entry: dict[str, Any]) -> dict[str, Any]:
    payload = entry.get("payload") or {}
    return {
        "received_at": entry["received_at"],
        "hook": entry["hook"],
        "receiver": payload.get("receiver"),
        "status": payload.get("status"),
        "alerts": [
            {
                "alertname": (a.get("labels") or {}).get("alertname"),
                "status": a.get("status"),
                "labels": a.get("labels") or {},
                "annotations": a.get("annotations") or {},
                "startsAt": a.get("startsAt"),
                "endsAt": a.get("endsAt"),
            }
            for a in payload.get("alerts") or []
        ],
    }


def record(hook: str, payload: dict[str, Any]) -> None:
    now = time.time()
    entry = {
        "received_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds"),
        "received_ts": now,
        "hook": hook,
        "payload": payload,
    }
    with lock:
        received.append(entry)
        del received[:-KEEP]
        LOG.parent.mkdir(parents=True, exist_ok=True)
        with LOG.open("a") as fh:
            fh.write(json.dumps(entry) + "\n")
    names = ", ".join(f"{a['alertname']}={a['status']}" for a in summary(entry)["alerts"])
    print(f"notification on /hooks/{hook}: {payload.get('status')} [{names}]", flush=True)


def delivered(query: dict[str, str]) -> dict[str, Any]:
    matches = []
    with lock:
        entries = list(received)
    for entry in entries:
        if query.get("hook") and entry["hook"] != query["hook"]:
            continue
        for alert in (entry.get("payload") or {}).get("alerts") or []:
            labels = alert.get("labels") or {}
            if query.get("alertname") and labels.get("alertname") != query["alertname"]:
                continue
            if query.get("status") and alert.get("status") != query["status"]:
                continue
            if any(labels.get(k) != v for k, v in query.items() if k not in RESERVED):
                continue
            matches.append(entry["received_at"])
    return {
        "delivered": bool(matches),
        "count": len(matches),
        "first": matches[0] if matches else None,
        "last": matches[-1] if matches else None,
        "query": query,
    }


def metrics() -> str:
    notifications: dict[tuple[str, str], float] = {}
    alerts: dict[tuple[str, str, str], float] = {}
    last = 0.0
    with lock:
        entries = list(received)
    for entry in entries:
        payload = entry.get("payload") or {}
        key = (entry["hook"], str(payload.get("status")))
        notifications[key] = notifications.get(key, 0) + 1
        last = max(last, float(entry.get("received_ts") or 0))
        for a in payload.get("alerts") or []:
            akey = (entry["hook"], str((a.get("labels") or {}).get("alertname")), str(a.get("status")))
            alerts[akey] = alerts.get(akey, 0) + 1
    return exposition(
        [
            (
                "webhook_notifications_total",
                "counter",
                "Notifications received, by hook and notification status",
                [({"hook": h, "status": s}, v) for (h, s), v in sorted(notifications.items())],
            ),
            (
                "webhook_alerts_total",
                "counter",
                "Alerts received inside notifications, by hook, alert name and alert status",
                [({"hook": h, "alertname": n, "status": s}, v) for (h, n, s), v in sorted(alerts.items())],
            ),
            (
                "webhook_last_notification_timestamp_seconds",
                "gauge",
                "Unix time of the last notification (0: none yet)",
                [({}, last)],
            ),
        ]
    )


class Webhook(Handler):
    def route(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any, str]:
        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 2 and parts[0] == "hooks" and parts[1]:
            try:
                payload = json.loads(self.body() or b"{}")
            except ValueError:
                return 400, {"error": "the body is not JSON"}, "application/json"
            record(parts[1], payload if isinstance(payload, dict) else {"payload": payload})
            return 200, {"recorded": True}, "application/json"
        if method in ("GET", "HEAD"):
            if len(parts) == 2 and parts[0] == "hooks":
                with lock:
                    entries = [summary(e) for e in received if e["hook"] == parts[1]]
                return 200, entries, "application/json"
            if path == "/notifications":
                with lock:
                    return 200, [summary(e) for e in received], "application/json"
            if path == "/delivered":
                return 200, delivered(query), "application/json"
            if path == "/metrics":
                return 200, metrics(), METRICS_TYPE
            if path == "/health":
                return 200, {"status": "ok"}, "application/json"
            if path == "/":
                return 200, __doc__ or "", "text/plain"
        if method == "DELETE" and path == "/notifications":
            with lock:
                received.clear()
                LOG.parent.mkdir(parents=True, exist_ok=True)
                LOG.write_text("")
            return 200, {"cleared": True}, "application/json"
        return 404, {"error": f"no route {method} {path}"}, "application/json"


def main() -> None:
    load()
    serve(Webhook, int(os.environ.get("PORT", "8080")), "webhook-receiver")


if __name__ == "__main__":
    main()
