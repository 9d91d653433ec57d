"""labs/project-03 (MLflow on PostgreSQL, a Prefect server, a DVC + Great Expectations workstation)
on the docker backend: after `up` the sample pipeline has run, so MLflow's UI and API on the
published endpoint list its experiment and registered model; configuration is idempotent and
`down` leaves nothing."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.playbooks import changes_on_second_run
from tests.helpers import docker_leftovers, lab, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "project-03"
# Resource names are lab-<lab>-<instance> on a shared engine: a name of its own per test run.
INSTANCE = f"e2e{os.getpid()}"


def get(url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback endpoint
        text = response.read().decode()
    try:
        return json.loads(text)
    except ValueError:
        return text  # a page of a UI


def test_sample_experiment_in_mlflow_after_up_then_nothing_left(lab_home: Path) -> None:
    lab("up", LAB, "-i", INSTANCE)
    try:
        [row] = [r for r in status() if r["lab"] == LAB and r["instance"] == INSTANCE]
        assert row["state"] == "ready"
        mlflow, prefect = row["endpoints"]["mlflow"], row["endpoints"]["prefect"]
        assert mlflow.startswith("http://127.0.0.1:") and prefect.startswith("http://127.0.0.1:")

        # The experiment of the sample pipeline run, through the REST API and the UI's own API.
        for api in ("api", "ajax-api"):
            found = get(f"{mlflow}/{api}/2.0/mlflow/experiments/search", {"max_results": 100})
            names = [e["name"] for e in found["experiments"]]
            assert "sample-pipeline" in names, names
        assert "<title>MLflow</title>" in get(f"{mlflow}/")

        # Its run has metrics, and the registry has a READY version aliased champion.
        runs = get(
            f"{mlflow}/api/2.0/mlflow/runs/search",
            {
                "experiment_ids": [
                    get(f"{mlflow}/api/2.0/mlflow/experiments/get-by-name?experiment_name=sample-pipeline")[
                        "experiment"
                    ]["experiment_id"]
                ]
            },
        )["runs"]
        metrics = {m["key"]: m["value"] for m in runs[0]["data"]["metrics"]}
        assert metrics["accuracy"] >= 0.9
        champion = get(f"{mlflow}/api/2.0/mlflow/registered-models/alias?name=sample-pipeline&alias=champion")
        assert champion["model_version"]["status"] == "READY"

        # Prefect recorded the flow run, and its UI is served.
        count = get(f"{prefect}/api/flow_runs/count", {"flows": {"name": {"any_": ["sample-pipeline"]}}})
        assert isinstance(count, int) and count >= 1
        assert "<html" in get(f"{prefect}/").lower()

        # A second `up` is a no-op, and a second run of the playbook changes nothing.
        assert json.loads(lab("up", LAB, "-i", INSTANCE, "--output", "json").stdout)["noop"] is True
        assert changes_on_second_run(LAB, INSTANCE) == {"labs/project-03/site.yml": 0}
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
