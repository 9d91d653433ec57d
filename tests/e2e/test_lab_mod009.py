"""labs/mod-009 (Prometheus, Alertmanager, exporters, model API, webhook receiver, load generator)
on the docker backend, seen from the host: every scrape target healthy, Alertmanager ready,
Grafana reported unavailable without failing anything, an alert travelling from a stopped
service to the webhook receiver and resolving, idempotent configuration, nothing left after down."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.playbooks import changes_on_second_run
from tests.helpers import docker_leftovers, lab, resource, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "mod-009"
# Resource names carry lab and instance on a shared engine: an instance of its own per test run.
INSTANCE = f"e2e{os.getpid()}"
JOBS = {"prometheus", "node", "alertmanager", "pushgateway", "model-api", "blackbox-http", "webhook"}
# TargetDown's `for:` (labs/mod-009/seed/rules/lab.yml), and one scrape + one evaluation +
# group_wait + group_interval + slack for a busy machine.
FOR_SECONDS, MARGIN_SECONDS = 10, 35


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback endpoints
        body = response.read()
        return json.loads(body) if body.strip().startswith((b"{", b"[")) else body.decode()


def delivered(webhook: str, status: str) -> int:
    query = urllib.parse.urlencode({"alertname": "TargetDown", "job": "model-api", "status": status})
    return int(get(f"{webhook}/delivered?{query}")["count"])


def seconds_until(webhook: str, status: str, before: int, since: float) -> float:
    while time.monotonic() - since < FOR_SECONDS + MARGIN_SECONDS:
        if delivered(webhook, status) > before:
            return time.monotonic() - since
        time.sleep(0.5)
    raise AssertionError(f"TargetDown ({status}) not at the webhook within {FOR_SECONDS + MARGIN_SECONDS} s")


def test_targets_healthy_alert_delivered_and_resolved_then_nothing_left(lab_home: Path) -> None:
    started = time.monotonic()
    up = json.loads(lab("up", LAB, "-i", INSTANCE, "--output", "json").stdout)
    try:
        ready_after = time.monotonic() - started
        [row] = [r for r in status() if r["lab"] == LAB and r["instance"] == INSTANCE]
        assert row["state"] == "ready"
        endpoints = row["endpoints"]

        # Every scrape target of the lab's prometheus.yml is healthy once `up` returns.
        targets = get(endpoints["prometheus"] + "/api/v1/targets")["data"]["activeTargets"]
        health = {t["labels"]["job"]: t["health"] for t in targets}
        assert health == dict.fromkeys(JOBS, "up"), [t.get("lastError") for t in targets]
        assert get(endpoints["alertmanager"] + "/-/ready").strip() == "OK"
        print(f"mod-009 ready, every target healthy, {ready_after:.1f} s after `lab up`")

        # Grafana (optional, no image here) is reported, never passed, and fails nothing.
        assert list(up["unavailable"]) == ["grafana"] and "grafana" not in endpoints
        verify = lab("verify", LAB, "-i", INSTANCE, "--output", "json")
        report = json.loads(verify.stdout)
        assert report["passed"] is True and list(report["unavailable"]) == ["grafana"]
        [grafana] = [c for c in report["checks"] if c["extra"].get("unavailable")]
        assert grafana["passed"] is False and grafana["seen"].startswith("unavailable: ")
        assert "UNAVAILABLE grafana:" in lab("verify", LAB, "-i", INSTANCE).stdout

        # A second `up` is a no-op, and a second run of the playbook changes nothing.
        assert json.loads(lab("up", LAB, "-i", INSTANCE, "--output", "json").stdout)["noop"] is True
        assert changes_on_second_run(LAB, INSTANCE) == {"labs/mod-009/site.yml": 0}

        # Stopping the service fires TargetDown at the webhook within `for` plus a margin;
        # starting it again delivers the resolution.
        webhook, api = endpoints["webhook"], resource(LAB, INSTANCE, "api")
        fired, resolved = delivered(webhook, "firing"), delivered(webhook, "resolved")
        stopped = time.monotonic()
        subprocess.run(["docker", "stop", api], check=True, capture_output=True, timeout=60)
        try:
            took = seconds_until(webhook, "firing", fired, stopped)
            print(f"TargetDown at the webhook {took:.1f} s after docker stop")
        finally:
            restarted = time.monotonic()
            subprocess.run(["docker", "start", api], check=True, capture_output=True, timeout=60)
        took = seconds_until(webhook, "resolved", resolved, restarted)
        print(f"TargetDown resolved at the webhook {took:.1f} s after docker start")
        alerts = [a for n in get(webhook + "/hooks/default") for a in n["alerts"] if a["alertname"] == "TargetDown"]
        assert {a["status"] for a in alerts} == {"firing", "resolved"}
        assert {a["labels"]["severity"] for a in alerts} == {"critical"}
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
