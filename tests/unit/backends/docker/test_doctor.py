"""`lab doctor` for Docker: the engine and its default bridge, with the command runner replaced."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.docker import doctor
from provisioner.backends.docker.backend import DockerBackend
from provisioner.core.proc import Result
from provisioner.lifecycle import doctor as lab_doctor
from tests.unit.backends.fake_run import FakeRun

INFO = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "SecurityOptions": ["name=seccomp,profile=default"]}


class Docker:
    """Answers the docker commands the checks run; options=None: the engine has no `bridge` network."""

    def __init__(self, context: str, info: dict[str, Any] | None, options: dict[str, str] | None) -> None:
        self.context, self.info, self.options = context, info, options
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], **_kw: Any) -> Result:
        argv = list(argv)
        self.calls.append(argv)
        context, info, options = self.context, self.info, self.options
        if argv[:4] == ["docker", "info", "--format", "{{.ServerVersion}}"]:
            return Result(argv, 0, "20.10.24\n", "")
        if argv[:3] == ["docker", "context", "inspect"]:
            return Result(argv, 0, context + "\n", "")
        if argv[:2] == ["docker", "info"]:
            return Result(argv, 0, json.dumps(INFO if info is None else info) + "\n", "")
        if argv[:4] == ["docker", "network", "inspect", "bridge"]:
            if options is None:
                return Result(argv, 1, "", "Error: No such network: bridge")
            return Result(argv, 0, json.dumps(options) + "\n", "")
        raise AssertionError(f"unexpected command {argv}")


def fake_docker(
    monkeypatch: pytest.MonkeyPatch,
    *,
    context: str = "unix:///var/run/docker.sock",
    info: dict[str, Any] | None = None,
    options: dict[str, str] | None = None,
) -> Docker:
    monkeypatch.setattr(doctor.sys, "platform", "linux")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return Docker(context, info, options)


@pytest.fixture
def sys_net(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    net = tmp_path / "class-net"
    net.mkdir()
    monkeypatch.setattr(doctor, "SYS_CLASS_NET", net)
    return net


def test_present_bridge_is_ok(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    (sys_net / "docker0").mkdir()
    run = fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "docker0"})
    row = doctor.docker_bridge(run)
    assert row is not None and row["ok"] and "docker0" in row["detail"]
    assert ["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"] in run.calls


def test_missing_bridge_fails_and_says_restart_the_engine(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "docker0"})
    row = doctor.docker_bridge(run)
    assert row is not None and not row["ok"] and not row["optional"]
    assert "docker0 is gone" in row["detail"]
    assert "restart the Docker engine, which recreates docker0" in row["fix"]
    assert "systemctl restart docker" in row["fix"] and "scripts/install-docker" in row["fix"]


def test_the_bridge_name_comes_from_the_network_options(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    (sys_net / "docker0").mkdir()  # another engine's name: not this one's
    run = fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "labbr0"})
    row = doctor.docker_bridge(run)
    assert row is not None and not row["ok"] and "labbr0" in row["detail"]
    (sys_net / "labbr0").mkdir()
    assert doctor.docker_bridge(run) == {
        **row,
        "ok": True,
        "detail": "default network's bridge labbr0 present",
        "fix": "",
    }


def test_default_name_when_the_option_is_absent(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = fake_docker(monkeypatch, options={})
    row = doctor.docker_bridge(run)
    assert row is not None and not row["ok"] and "docker0" in row["detail"]


@pytest.mark.parametrize(
    ("setup", "why"),
    [
        (lambda mp: mp.setenv("DOCKER_HOST", "tcp://10.0.0.5:2376"), "remote engine"),
        (lambda mp: mp.setenv("DOCKER_HOST", "ssh://me@box"), "engine over ssh"),
    ],
)
def test_no_check_for_a_remote_engine(
    monkeypatch: pytest.MonkeyPatch, sys_net: Path, setup: Callable[[pytest.MonkeyPatch], None], why: str
) -> None:
    run = fake_docker(monkeypatch, options={})
    setup(monkeypatch)
    assert doctor.docker_bridge(run) is None, why
    assert run.calls == []  # not even `docker info`


def test_no_check_when_the_context_is_not_a_unix_socket(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = fake_docker(monkeypatch, context="tcp://192.168.99.100:2376", options={})
    assert doctor.docker_bridge(run) is None


@pytest.mark.parametrize(
    "info",
    [
        {"OperatingSystem": "Docker Desktop", "SecurityOptions": []},
        {"OperatingSystem": "Ubuntu 24.04", "SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless"]},
    ],
    ids=["docker-desktop", "rootless"],
)
def test_no_check_where_the_bridge_lives_elsewhere(
    monkeypatch: pytest.MonkeyPatch, sys_net: Path, info: dict[str, Any]
) -> None:
    run = fake_docker(monkeypatch, info=info, options={})
    assert doctor.docker_bridge(run) is None


def test_no_check_for_an_engine_without_a_default_bridge(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = fake_docker(monkeypatch, options=None)
    assert doctor.docker_bridge(run) is None


def test_no_check_off_linux(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = fake_docker(monkeypatch, options={})
    monkeypatch.setattr(doctor.sys, "platform", "darwin")
    assert doctor.docker_bridge(run) is None and run.calls == []


def test_doctor_reports_it_after_the_engine_and_fix_does_not_restart_anything(
    monkeypatch: pytest.MonkeyPatch, sys_net: Path
) -> None:
    run = fake_docker(monkeypatch, options={})
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(doctor, "can_fix", lambda: True)
    rows = DockerBackend(run).doctor(fix=True)
    assert [r["name"] for r in rows] == ["docker", "docker bridge"]
    assert rows[0]["ok"] and rows[0]["detail"] == "engine 20.10.24 running" and not rows[1]["ok"]
    assert run.calls[0] == ["docker", "info", "--format", "{{.ServerVersion}}"]
    assert not any(argv[0] == "bash" for argv in run.calls)  # no install script, no restart


def test_doctor_skips_the_check_when_the_engine_is_down(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    run = Docker("unix:///var/run/docker.sock", None, {})
    monkeypatch.setattr("shutil.which", lambda _name: None)
    assert [r["name"] for r in DockerBackend(run).doctor()] == ["docker"]
    assert run.calls == []


def test_lab_doctor_asks_every_backend_after_the_common_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    class Backend:
        def __init__(self, name: str) -> None:
            self.name = name

        def doctor(self, fix: bool) -> list[dict[str, Any]]:
            return [{"name": f"{self.name} engine", "ok": True, "detail": "", "fix": "", "optional": False}]

    monkeypatch.setattr(lab_doctor.backends, "every", lambda _run: [Backend("docker"), Backend("vm")])
    names = [r["name"] for r in lab_doctor.diagnose(run=FakeRun())]
    assert names[:4] == ["python", "terraform", "providers", "ansible"]
    assert names[4:] == ["docker engine", "vm engine"]
