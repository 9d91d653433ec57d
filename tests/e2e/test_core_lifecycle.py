"""The core against real Terraform (built-in provider) and real Ansible (local connection)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import lab, resource, state_leftovers, status, wait_for_ledger

pytestmark = pytest.mark.e2e


def test_up_verify_down(lab_home: Path) -> None:
    up = lab("up", "testlab")
    assert "ready in" in up.stdout and "Start with the exercise `write-notes`" in up.stdout
    assert "apply" in up.stderr  # progress was shown
    [row] = status()
    assert row["lab"] == "testlab" and row["state"] == "ready" and row["endpoints"]["workspace"].startswith("file://")
    workspace = Path(row["endpoints"]["workspace"].removeprefix("file://"))
    secret = json.loads((lab_home / "instances/testlab/default/secrets.json").read_text())["api_token"]
    assert secret in (workspace / "config.ini").read_text()
    assert secret not in up.stdout + up.stderr  # generated secrets never reach the logs
    verify = lab("verify", "testlab", "--output", "json")
    assert json.loads(verify.stdout)["passed"] is True
    again = lab("up", "testlab")
    assert "already up" in again.stdout
    lab("down", "testlab")
    assert not workspace.exists() and status() == [] and state_leftovers(lab_home) == []


def test_verify_fails_with_exit_1_when_the_sandbox_drifts(lab_home: Path) -> None:
    lab("up", "testlab")
    workspace = Path(status()[0]["endpoints"]["workspace"].removeprefix("file://"))
    (workspace / "config.ini").write_text("greeting = bye\n")
    result = lab("verify", "testlab", check=False)
    assert result.returncode == 1 and "FAIL  config file written" in result.stdout
    lab("down", "testlab")


def test_two_instances_and_a_concurrent_up_of_the_same_one(lab_home: Path) -> None:
    first = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "up", "testlab", "-i", "a"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_ledger(lab_home / "instances/testlab/a", "render")
    second = lab("up", "testlab", "-i", "a", check=False)
    assert second.returncode == 3 and "testlab/a is busy: `lab up` (pid" in second.stderr
    lab("up", "testlab", "-i", "b")
    assert first.wait(60) == 0
    assert sorted(r["instance"] for r in status()) == ["a", "b"]
    lab("down", "testlab", "-i", "a")
    lab("down", "testlab", "-i", "b")
    assert state_leftovers(lab_home) == []


@pytest.mark.parametrize("step", ["apply", "configure"])
def test_kill_9_mid_up_then_down_leaves_nothing(lab_home: Path, step: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "up", "testlab"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_ledger(lab_home / "instances/testlab/default", step)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    result = lab("down", "testlab")
    assert "removed testlab" in result.stdout
    assert status() == [] and state_leftovers(lab_home) == []
    assert not (lab_home / "sandboxes" / resource("testlab", "default")).exists()


def test_down_after_the_definition_was_edited(lab_copy: Path, lab_home: Path) -> None:
    lab("up", "testlab")
    text = (
        (lab_copy / "lab.yaml")
        .read_text()
        .replace("name: workspace\n      type: directory", "name: other\n      type: directory")
    )
    (lab_copy / "lab.yaml").write_text(text)
    lab("down", "testlab")
    assert not (lab_home / "sandboxes" / resource("testlab", "default")).exists() and state_leftovers(lab_home) == []


def test_down_of_something_never_made_is_a_clean_no_op(lab_home: Path) -> None:
    assert "nothing to remove" in lab("down", "testlab").stdout


def test_a_failed_up_of_a_ready_sandbox_keeps_the_learners_work(lab_copy: Path, lab_home: Path) -> None:
    lab("up", "testlab")
    workspace = Path(status()[0]["endpoints"]["workspace"].removeprefix("file://"))
    (workspace / "notes.md").write_text("# Notes\nmy work\n")
    text = (lab_copy / "lab.yaml").read_text().replace('content: "^greeting = hello$"', 'content: "^never$"')
    (lab_copy / "lab.yaml").write_text(text.replace("      retry: 30\n", ""))
    result = lab("up", "testlab", check=False)
    assert result.returncode == 3 and "sandbox not ready: config file written" in result.stderr
    assert (workspace / "notes.md").read_text() == "# Notes\nmy work\n"
    assert status()[0]["state"] == "failed"
    lab("down", "testlab")
    assert not workspace.exists()
