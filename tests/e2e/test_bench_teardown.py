"""Benchmarks tear down what they made, when a step fails and when they are interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import resource, state_leftovers

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import subprocess, sys, time
from bench.teardown import torn_down
with torn_down():
    argv = [sys.executable, "-m", "provisioner", "up", "testlab", "-i", "b1"]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    print("up", flush=True)
    if sys.argv[1] == "fail":
        subprocess.run([sys.executable, "-m", "provisioner", "up", "no-such-lab"], check=True)
    time.sleep(120)
"""


def _bench(mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _sandbox(lab_home: Path) -> Path:
    return lab_home / "sandboxes" / resource("testlab", "b1")


def test_a_failed_step_still_tears_down(lab_home: Path) -> None:
    proc = _bench("fail")
    _, err = proc.communicate(timeout=180)
    assert proc.returncode != 0 and "tearing down 1 sandbox" in err
    assert not _sandbox(lab_home).exists() and state_leftovers(lab_home) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_benchmark_tears_down(lab_home: Path, sig: signal.Signals) -> None:
    proc = _bench("wait")
    assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
    assert _sandbox(lab_home).is_dir()
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=180)
    assert "tearing down 1 sandbox" in err
    deadline = time.monotonic() + 5
    while _sandbox(lab_home).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _sandbox(lab_home).exists() and state_leftovers(lab_home) == []
