"""labs/mod-010 (a moto server as the local AWS, a workstation with the AWS CLI and boto3) on the
docker backend: the published endpoint speaks the AWS API from the host, the seeded fleet is
exactly as documented, the TLS-only bucket policy is enforced on plain HTTP, idempotent
configuration, nothing left after down."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.playbooks import changes_on_second_run
from tests.helpers import docker_leftovers, lab, resource, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "mod-010"
# Resource names carry lab and instance on a shared engine: an instance of its own per test run.
INSTANCE = f"e2e{os.getpid()}"


def aws(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The AWS CLI in the instance's workstation, with the environment the lab gave it."""
    return subprocess.run(
        ["docker", "exec", resource(LAB, INSTANCE, "workstation"), "aws", *argv],
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def test_fleet_policy_enforced_and_idempotent_then_nothing_left(lab_home: Path) -> None:
    lab("up", LAB, "-i", INSTANCE)
    try:
        [row] = [r for r in status() if r["lab"] == LAB and r["instance"] == INSTANCE]
        assert row["state"] == "ready"
        endpoint = row["endpoints"]["aws"]
        assert endpoint.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=30) as resp:  # noqa: S310 - loopback
            assert resp.status == 200 and "ec2" in json.loads(resp.read())

        # The seeded fleet (ansible/labs/mod-010/site.yml), which the cost-report exercise's numbers rely on.
        listing = aws(
            "ec2",
            "describe-instances",
            "--query",
            "Reservations[].Instances[].[InstanceType,State.Name]",
            "--output",
            "text",
        ).stdout
        fleet = Counter(
            (kind, "running" if state == "pending" else state)
            for kind, state in (line.split() for line in listing.splitlines() if line.strip())
        )
        assert fleet == {
            ("t3.large", "running"): 2,
            ("t3.large", "terminated"): 1,
            ("t3.medium", "running"): 1,
            ("m5.large", "running"): 1,
            ("t3.micro", "running"): 2,
        }
        assert changes_on_second_run(LAB, INSTANCE) == {"labs/mod-010/site.yml": 0}

        # After the solution, the bucket denies every request not made over TLS: the local
        # endpoint speaks plain HTTP, so even the account's own upload is refused.
        lab("solve", LAB, "s3-bucket-policy", "-i", INSTANCE)
        denied = aws("s3", "cp", "/home/learner/cloud/prices.json", "s3://mlops-artifacts/models/x.json", check=False)
        assert denied.returncode != 0 and "Forbidden" in denied.stderr
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
