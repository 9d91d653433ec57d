"""The registry: every backend built with one runner, and `lab shell` asking the instance's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner import backends
from provisioner.core.errors import BackendUnavailable, UsageError
from provisioner.core.state import InstanceRef, Store
from tests.unit.backends.fake_run import FakeRun


def test_every_backend_in_registry_order_shares_the_runner() -> None:
    run = FakeRun()
    assert [(b.name, b.run) for b in backends.every(run)] == [("local", run), ("docker", run), ("vm", run)]
    with pytest.raises(BackendUnavailable, match="not part of this version"):
        backends.get("kind")


def test_shell_asks_the_backend_the_instance_runs_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    with pytest.raises(UsageError, match=r"dockerlab \(default\) is not up"):
        backends.shell_argv("dockerlab", "default", None, [], tty=False)
    Store(InstanceRef("dockerlab")).update(backend="docker", hosts={"app": {"container": "c"}})
    argv = backends.shell_argv("dockerlab", "default", None, ["true"], tty=False)
    assert argv == ["docker", "exec", "-i", "lab-dockerlab-default-app", "true"]
    Store(InstanceRef("testlab")).update(backend="local", hosts={"workspace": {}})
    with pytest.raises(UsageError, match="`lab shell` has nowhere to log in"):
        backends.shell_argv("testlab", "default", None, [], tty=True)
