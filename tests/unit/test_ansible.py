from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

from provisioner.backends.common.ansible import RUN_MARKER, _envvars, _failure, changed_count, stop_marked


def test_failure_names_task_host_and_message() -> None:
    event = {
        "event": "runner_on_failed",
        "event_data": {"task": "Seed data", "host": "postgres", "res": {"msg": "relation missing"}},
    }
    err = _failure(Path("x.yml"), SimpleNamespace(status="failed", rc=2), [event])
    assert err.message == "ansible: task 'Seed data' failed on postgres: relation missing" and err.exit_code == 3


def test_runner_environment_names_config_venv_and_a_private_tmpdir(tmp_path: Path) -> None:
    env = _envvars(tmp_path, {})
    assert env["TMPDIR"] == str(tmp_path / "tmp") and (tmp_path / "tmp").stat().st_mode & 0o077 == 0
    assert env["ANSIBLE_CONFIG"].endswith("ansible/ansible.cfg") and env["ANSIBLE_NOCOLOR"] == "1"
    assert (Path(env["PATH"].split(":")[0]) / "ansible-playbook").exists()


def test_changed_count() -> None:
    assert changed_count({"changed": {"a": 2, "b": 1}}) == 3 and changed_count({}) == 0


def test_a_failed_command_is_reported_with_the_last_lines_of_its_output() -> None:
    res = {"msg": "non-zero return code", "stderr": "building api\nERROR: read timed out\n"}
    event = {"event": "runner_on_failed", "event_data": {"task": "Build", "host": "vm", "res": res}}
    err = _failure(Path("x.yml"), SimpleNamespace(status="failed", rc=2), [event])
    seen = "non-zero return code / building api / ERROR: read timed out"
    assert err.message == f"ansible: task 'Build' failed on vm: {seen}"


def test_a_command_killed_by_sigkill_points_at_the_memory_limit() -> None:
    res = {"msg": "non-zero return code", "rc": 137, "stderr": "INFO | Task run 'ingest' - Completed\n"}
    event = {"event": "runner_on_failed", "event_data": {"task": "Run", "host": "workstation", "res": res}}
    err = _failure(Path("x.yml"), SimpleNamespace(status="failed", rc=2), [event])
    killed = "killed by SIGKILL (out of memory? raise the component's memory_mb), non-zero return code"
    assert err.message.startswith(f"ansible: task 'Run' failed on workstation: {killed} / INFO")


def test_stopping_a_run_leaves_none_of_its_processes_not_even_one_forked_meanwhile() -> None:
    env = os.environ | {RUN_MARKER: "m1"}
    # A shell that keeps forking tasks, as Ansible's workers do while the run is stopped.
    worker = subprocess.Popen(["sh", "-c", "while :; do sleep 30 & sleep 0.01; done"], env=env)
    time.sleep(0.2)
    stop_marked("m1")
    worker.wait(5)
    alive = subprocess.run(["pgrep", "-f", "sleep 30"], capture_output=True, text=True).stdout.split()
    assert not [p for p in alive if b"LAB_ANSIBLE_RUN=m1" in _environ(p)]


def _environ(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone since pgrep saw it
        return b""
