"""Instances are independent of each other's Terraform init: many `up`s of one lab at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import docker_leftovers, lab, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.solo]

INSTANCES = [f"c{i}" for i in range(8)]


def _all_at_once(*verb: str) -> list[tuple[str, int, str]]:
    procs = {
        i: subprocess.Popen(
            [sys.executable, "-m", "provisioner", *verb, "-i", i],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in INSTANCES
    }
    return [(i, p.wait(timeout=600), p.stderr.read() if p.stderr else "") for i, p in procs.items()]


def test_eight_ups_of_one_lab_at_once_twice(lab_home: Path) -> None:
    lab("images", "build", "dockerlab")
    for _ in range(2):
        ups = _all_at_once("up", "dockerlab")
        failed = [(i, err[-600:]) for i, code, err in ups if code != 0]
        assert not failed, failed
        assert sorted(r["instance"] for r in status() if r["state"] == "ready") == INSTANCES
        downs = _all_at_once("down", "dockerlab")
        assert not [(i, err[-600:]) for i, code, err in downs if code != 0]
        assert status() == [] and docker_leftovers(*INSTANCES) == []
    assert state_leftovers(lab_home) == []
