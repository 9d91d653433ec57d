"""`lab smoke` end to end on the test labs: JUnit that parses, SIGINT that leaves nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import docker_leftovers, lab, state_leftovers, status

pytestmark = pytest.mark.e2e


def test_smoke_proves_checks_fail_before_and_pass_after(lab_home: Path, tmp_path: Path) -> None:
    junit = tmp_path / "smoke.xml"
    result = lab("smoke", "testlab", "--junit", str(junit), "--output", "json")
    [run] = json.loads(result.stdout)
    assert run["status"] == "passed"
    names = [c["name"] for c in run["cases"]]
    assert names == [
        "up",
        "write-notes fails before solve",
        "solve write-notes",
        "write-notes passes after solve: notes exist",
        "down",
    ]
    suite = ET.parse(junit).getroot().find("testsuite")  # noqa: S314 - our own file
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "0"
    assert status() == [] and state_leftovers(lab_home) == []


@pytest.mark.docker
def test_sigint_mid_smoke_leaves_no_sandbox(lab_home: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "smoke", "dockerlab", "testlab", "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ledger = lab_home / "instances" / "dockerlab" / "smoke" / "ledger.jsonl"
    deadline = time.monotonic() + 120
    while not (ledger.exists() and '"step": "apply"' in ledger.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert docker_leftovers("smoke") == [] and status() == [] and state_leftovers(lab_home) == []
