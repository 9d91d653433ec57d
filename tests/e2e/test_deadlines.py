"""No wait without a deadline: a Terraform run that hangs is stopped, and the sandbox still goes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.common import ansible
from provisioner.core.errors import DeadlineExceeded
from tests.helpers import lab, state_leftovers, status

pytestmark = pytest.mark.e2e


def test_down_finishes_within_its_deadline_when_terraform_destroy_hangs(lab_home: Path, tmp_path: Path) -> None:
    lab("up", "testlab")
    sandbox = Path(status()[0]["endpoints"]["workspace"].removeprefix("file://")).parent
    assert sandbox.is_dir()
    # The local module's destroy provisioner runs `rm`: a stand-in that never returns makes the
    # real `terraform destroy` hang the way a stuck provider does (and ignores SIGINT, as a
    # deadlocked one would, so the whole stop sequence is needed).
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "rm").write_text("#!/bin/sh\ntrap '' INT\nsleep 600\n")
    (stubs / "rm").chmod(0o755)
    env = os.environ | {"PATH": f"{stubs}:{os.environ['PATH']}", "LAB_TIMEOUT_SCALE": "0.1"}  # destroy: 7.5 s
    started = time.monotonic()
    down = lab("down", "testlab", env=env)
    took = time.monotonic() - started
    assert took < 45, f"down took {took:.0f} s"
    assert "terraform destroy did not finish within 8 s and was stopped" in down.stderr
    assert "removing the sandbox by its labels instead" in down.stderr
    assert not sandbox.exists() and status() == [] and state_leftovers(lab_home) == []
    leftover = subprocess.run(["pgrep", "-f", "sleep 600"], capture_output=True, text=True).stdout.split()
    assert not [p for p in leftover if str(stubs) in Path(f"/proc/{p}/cmdline").read_text(errors="replace")]


def test_a_timed_out_terraform_fails_up_cleanly_and_state_says_why(lab_home: Path) -> None:
    # An absurdly small scale: init's deadline is 12 ms. The deadline is checked every 50 ms, so
    # an init of this provider-less module may finish first; then apply's deadline stops it.
    result = lab("up", "testlab", "-i", "slow", check=False, env=os.environ | {"LAB_TIMEOUT_SCALE": "0.0001"})
    assert result.returncode == 3, result.stderr
    assert re.search(r"error: terraform (init|apply) did not finish within 0 s and was stopped", result.stderr)
    assert "LAB_TIMEOUT_SCALE" in result.stderr and "Traceback" not in result.stderr
    state = json.loads((lab_home / "instances/testlab/slow/state.json").read_text())
    assert state["status"] == "failed-removed" and "did not finish within" in state["error"]
    lab("down", "testlab", "-i", "slow")
    assert [p for p in state_leftovers(lab_home) if not p.startswith("diagnostics/")] == []


def test_a_hung_ansible_task_is_reported_while_it_runs_and_stopped_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ansible, "HEARTBEAT_EVERY", 1.0)
    book = tmp_path / "hang.yml"
    book.write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - name: Wait for something that never comes\n      ansible.builtin.command: sleep 300\n"
    )
    inventory = tmp_path / "inventory.json"
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(json.dumps({"all": {"hosts": {"box": local}}}))
    seen: list[dict[str, Any]] = []
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        ansible.run_playbook(book, inventory, tmp_path / "data", extravars={}, on_event=seen.append, timeout=6)
    assert time.monotonic() - started < 30
    assert "did not finish within 6 s" in info.value.message
    assert "in task 'Wait for something that never comes'" in info.value.message
    beats = [e["event_data"] for e in seen if e.get("event") == ansible.STILL_RUNNING]
    assert beats and beats[-1]["task"] == "Wait for something that never comes" and beats[-1]["elapsed"] >= 2
    assert not subprocess.run(["pgrep", "-f", "sleep 300"], capture_output=True).stdout
