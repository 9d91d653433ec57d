"""The working directory's lock outlives the `lab` that took it while its Terraform runs on."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from provisioner.backends.common import tflock
from provisioner.core.errors import InfraError


def left_running(workdir: Path, seconds: float) -> subprocess.Popen[bytes]:
    """A child given the lock as Terraform is, whose starter then lets go (as a killed lab would)."""
    with tflock.held(workdir, 1, print) as fd:
        return subprocess.Popen(["sleep", str(seconds)], pass_fds=(fd,))


def test_the_next_command_waits_for_a_child_left_holding_the_lock(tmp_path: Path) -> None:
    child = left_running(tmp_path, 0.6)
    said: list[str] = []
    started = time.monotonic()
    tflock.settle(tmp_path, 10, said.append)
    assert child.poll() is not None and time.monotonic() - started >= 0.4
    assert said == ["waiting for the Terraform run an interrupted command left going to finish"]


def test_no_wait_and_nothing_said_when_no_child_runs(tmp_path: Path) -> None:
    said: list[str] = []
    tflock.settle(tmp_path, 10, said.append)
    tflock.settle(tmp_path / "never-rendered", 10, said.append)
    assert said == [] and not (tmp_path / "never-rendered").exists()


def test_a_child_still_busy_at_the_deadline_is_named_with_how_to_stop_it(tmp_path: Path) -> None:
    child = left_running(tmp_path, 30)
    try:
        with pytest.raises(InfraError, match="still busy after 0 s") as failed:
            tflock.settle(tmp_path, 0.3, lambda _t: None)
        assert f"-chdir={tmp_path}" in str(failed.value.fix)
    finally:
        child.kill()
        child.wait()
