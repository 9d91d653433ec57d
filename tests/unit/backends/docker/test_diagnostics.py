"""A failed Docker instance's diagnostics bundle: inspect without env (it holds passwords) and logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.backends.docker.backend import DockerBackend
from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun


def test_inspect_without_env_and_the_log_tail_of_each_container(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    inspect = [{"Name": "/lab-dockerlab-default-db", "Config": {"Env": ["POSTGRES_PASSWORD=s3cret"], "Image": "pg"}}]
    run = FakeRun(
        {
            ("docker", "ps", "-a", "-q", "--filter", "label=org.lab.instance=dockerlab/default"): "c1\n",
            ("docker", "inspect", "c1"): json.dumps(inspect),
            ("docker", "logs", "--tail", "300", "c1"): "database system is ready\n",
        }
    )
    ref = InstanceRef("dockerlab")
    DockerBackend(run).collect_diagnostics(Context(ref, Store(ref)), tmp_path)
    saved = json.loads((tmp_path / "lab-dockerlab-default-db.inspect.json").read_text())
    assert saved == [{"Name": "/lab-dockerlab-default-db", "Config": {"Image": "pg"}}]
    assert (tmp_path / "lab-dockerlab-default-db.log").read_text() == "database system is ready\n"
    assert [argv[:2] for argv in run.calls] == [["docker", "ps"], ["docker", "inspect"], ["docker", "logs"]]
