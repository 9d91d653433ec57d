"""`lab doctor`'s check of the Docker engine's default bridge, with the subprocess runner replaced."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from provisioner.core.proc import Result
from provisioner.lifecycle import doctor

INFO = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "SecurityOptions": ["name=seccomp,profile=default"]}


def fake_docker(
    monkeypatch: pytest.MonkeyPatch,
    *,
    context: str = "unix:///var/run/docker.sock",
    info: dict[str, Any] | None = None,
    options: dict[str, str] | None = None,
) -> list[list[str]]:
    """Answers the docker commands the check runs; options=None: the engine has no `bridge` network."""
    calls: list[list[str]] = []

    def answer(argv: Sequence[str], **_kw: Any) -> Result:
        argv = list(argv)
        calls.append(argv)
        if argv[:3] == ["docker", "context", "inspect"]:
            return Result(argv, 0, context + "\n", "")
        if argv[:2] == ["docker", "info"]:
            return Result(argv, 0, json.dumps(INFO if info is None else info) + "\n", "")
        if argv[:4] == ["docker", "network", "inspect", "bridge"]:
            if options is None:
                return Result(argv, 1, "", "Error: No such network: bridge")
            return Result(argv, 0, json.dumps(options) + "\n", "")
        raise AssertionError(f"unexpected command {argv}")

    monkeypatch.setattr(doctor, "run", answer)
    monkeypatch.setattr(doctor.sys, "platform", "linux")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return calls


@pytest.fixture
def sys_net(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    net = tmp_path / "class-net"
    net.mkdir()
    monkeypatch.setattr(doctor, "SYS_CLASS_NET", net)
    return net


def test_present_bridge_is_ok(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    (sys_net / "docker0").mkdir()
    calls = fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "docker0"})
    row = doctor.docker_bridge()
    assert row is not None and row["ok"] and "docker0" in row["detail"]
    assert ["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"] in calls


def test_missing_bridge_fails_and_says_restart_the_engine(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "docker0"})
    row = doctor.docker_bridge()
    assert row is not None and not row["ok"] and not row["optional"]
    assert "docker0 is gone" in row["detail"]
    assert "restart the Docker engine, which recreates docker0" in row["fix"]
    assert "systemctl restart docker" in row["fix"] and "scripts/install-docker" in row["fix"]


def test_the_bridge_name_comes_from_the_network_options(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    (sys_net / "docker0").mkdir()  # another engine's name: not this one's
    fake_docker(monkeypatch, options={"com.docker.network.bridge.name": "labbr0"})
    row = doctor.docker_bridge()
    assert row is not None and not row["ok"] and "labbr0" in row["detail"]
    (sys_net / "labbr0").mkdir()
    assert doctor.docker_bridge() == {**row, "ok": True, "detail": "default network's bridge labbr0 present", "fix": ""}


def test_default_name_when_the_option_is_absent(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    fake_docker(monkeypatch, options={})
    row = doctor.docker_bridge()
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
    calls = fake_docker(monkeypatch, options={})
    setup(monkeypatch)
    assert doctor.docker_bridge() is None, why
    assert calls == []  # not even `docker info`


def test_no_check_when_the_context_is_not_a_unix_socket(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    fake_docker(monkeypatch, context="tcp://192.168.99.100:2376", options={})
    assert doctor.docker_bridge() is None


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
    fake_docker(monkeypatch, info=info, options={})
    assert doctor.docker_bridge() is None


def test_no_check_for_an_engine_without_a_default_bridge(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    fake_docker(monkeypatch, options=None)
    assert doctor.docker_bridge() is None


def test_no_check_off_linux(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    calls = fake_docker(monkeypatch, options={})
    monkeypatch.setattr(doctor.sys, "platform", "darwin")
    assert doctor.docker_bridge() is None and calls == []


def test_diagnose_reports_it_after_the_engine_and_fix_does_not_restart_anything(
    monkeypatch: pytest.MonkeyPatch, sys_net: Path
) -> None:
    calls = fake_docker(monkeypatch, options={})
    ok = {"ok": True, "detail": "", "fix": "", "optional": False}
    for name in ("terraform_binary", "providers", "ansible", "vm"):
        monkeypatch.setattr(doctor, name, lambda name=name: {"name": name, **ok})
    monkeypatch.setattr(doctor, "docker_engine", lambda: {"name": "docker", **ok})
    monkeypatch.setattr(doctor.os, "geteuid", lambda: 0)
    rows = doctor.diagnose(fix=True)
    names = [r["name"] for r in rows]
    assert names[names.index("docker") + 1] == "docker bridge" and names[-1] == "vm"
    assert not rows[names.index("docker bridge")]["ok"]
    assert not any(argv[0] == "bash" for argv in calls)  # no install script, no restart


def test_diagnose_skips_the_check_when_the_engine_is_down(monkeypatch: pytest.MonkeyPatch, sys_net: Path) -> None:
    calls = fake_docker(monkeypatch, options={})
    ok = {"ok": True, "detail": "", "fix": "", "optional": False}
    for name in ("terraform_binary", "providers", "ansible", "vm"):
        monkeypatch.setattr(doctor, name, lambda name=name: {"name": name, **ok})
    monkeypatch.setattr(doctor, "docker_engine", lambda: {"name": "docker", **ok, "ok": False})
    assert "docker bridge" not in [r["name"] for r in doctor.diagnose()]
    assert calls == []
