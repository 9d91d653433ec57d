"""Optional components (e.g. Grafana offline): the docker backend leaves out the ones whose image
cannot be built and says why; readiness reports their checks as unavailable, never passed, and
they fail neither `up` nor `verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.base import Backend
from provisioner.backends.docker.backend import DockerBackend
from provisioner.core.errors import CommandError, UsageError
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions.model import Lab
from provisioner.lifecycle.needs import components_needed
from provisioner.lifecycle.steps import Context, Step
from provisioner.lifecycle.verify import VerifyResult, blocking, readiness

LAB: dict[str, Any] = {
    "id": "optlab",
    "title": "Optional components",
    "kind": "test",
    "hours": 0.1,
    "description": "A service and an optional dashboard.",
    "offline": "The dashboard needs an upstream image.",
    "sandbox": {
        "backend": "docker",
        "components": [
            {"name": "svc", "type": "http-service", "image": "svc", "ports": [{"name": "web", "port": 80}]},
            {
                "name": "dash",
                "type": "grafana",
                "image": "dash",
                "optional": True,
                "ports": [{"name": "dashboard", "port": 3000, "scheme": "http"}],
            },
        ],
    },
    "checks": [
        {"name": "service file", "file": {"path": "/etc/hostname"}},
        {"name": "dashboard by endpoint", "tcp": {"endpoint": "dashboard"}},
        {"name": "dashboard by url", "http": {"url": "{{ endpoints.dashboard }}/api/health"}},
        {"name": "dashboard by bracket url", "http": {"url": "{{ endpoints['dashboard'] }}/"}},
        {"name": "dashboard by host", "command": {"host": "dash", "argv": ["true"]}},
        {"name": "dashboard in argv", "command": {"argv": ["echo", "{{ hosts.dash.container }}"]}},
        {
            "name": "dashboard import",
            "grafana": {"host": "svc", "path": "/d.json", "endpoint": "dashboard", "password": "x"},
        },
    ],
    "access": "web",
}


class FakeBackend(Backend):
    name = "fake"

    def __init__(self, unavailable: dict[str, str]) -> None:
        self.unavailable = unavailable

    def preflight(self, ctx: Context) -> None: ...

    def up_steps(self) -> list[Step]:
        return []

    def down_steps(self) -> list[Step]:
        return []

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        return argv

    def unavailable_components(self, ctx: Context) -> dict[str, str]:
        return self.unavailable


def context(backend: Backend | None = None) -> Context:
    ref = InstanceRef("optlab")
    return Context(ref, Store(ref), Lab.model_validate(LAB), backend)


def test_checks_of_an_unavailable_component_are_reported_not_run_and_do_not_block(lab_home: Path) -> None:
    results = readiness(context(FakeBackend({"dash": "no image here"})))
    by_name = {r.name: r for r in results}
    assert [r.name for r in results] == [c["name"] for c in LAB["checks"]]  # order kept
    assert by_name["service file"].passed
    for name, result in by_name.items():
        if name != "service file":
            assert not result.passed and result.attempts == 0, name
            assert result.extra == {"unavailable": "dash"} and result.seen == "unavailable: no image here"
    assert blocking(results) == []
    assert VerifyResult(results, unavailable={"dash": "no image here"}).passed


def test_without_unavailable_components_every_check_runs_and_failures_block(lab_home: Path) -> None:
    results = readiness(context(FakeBackend({})), retry=False)
    assert all(r.attempts >= 1 for r in results)
    assert {r.name for r in blocking(results)} >= {"dashboard by endpoint", "dashboard by url"}
    assert not VerifyResult(results).passed


def test_the_components_a_check_needs_come_from_its_fields_and_templates() -> None:
    lab = Lab.model_validate(LAB)
    assert {c.name: components_needed(lab, c) for c in lab.checks} == {
        "service file": set(),
        "dashboard by endpoint": {"dash"},
        "dashboard by url": {"dash"},
        "dashboard by bracket url": {"dash"},
        "dashboard by host": {"dash"},
        "dashboard in argv": {"dash"},
        "dashboard import": {"svc", "dash"},  # the model is read in svc, imported into dash
    }


@pytest.mark.parametrize(
    "url",
    [
        "{{ endpoints.dashboards }}/",  # a longer name is another port
        "{{ other.dashboard }}/",  # not the endpoints table
        "http://dashboard/{{ endpoints.web }}",  # the word in plain text
        "{{ endpoints.dashboard",  # a broken template names nothing
    ],
)
def test_a_component_name_inside_other_text_is_not_a_need(url: str) -> None:
    lab = Lab.model_validate(LAB)
    by_url = lab.checks[2]
    assert by_url.http is not None
    check = by_url.model_copy(update={"http": by_url.http.model_copy(update={"url": url})})
    assert "dash" not in components_needed(lab, check)


def test_docker_backend_leaves_out_an_optional_image_it_cannot_build(
    lab_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ensure(name: str, progress: Any, run: Any) -> str:
        if name == "dash":
            raise UsageError("no image 'dash': images/dash/Dockerfile does not exist")
        return f"lab/{name}:1234"

    monkeypatch.setattr("provisioner.backends.common.images.ensure", ensure)
    ctx, backend = context(), DockerBackend()
    ctx.store.update(ports={"web": 27100, "dashboard": 27101})
    produced = backend.ensure_images(ctx)
    assert produced["images"] == {"svc": "lab/svc:1234"}
    ctx.store.update(**produced)  # what the step loop does with it
    assert "images/dash/Dockerfile does not exist" in backend.unavailable_components(ctx)["dash"]
    assert list(backend.tf_vars(ctx)["containers"]) == ["svc"]


def test_docker_backend_fails_when_a_required_image_cannot_be_built(
    lab_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ensure(name: str, progress: Any, run: Any) -> str:
        raise CommandError(["docker", "build"], 1, "apt-get: network unreachable")

    monkeypatch.setattr("provisioner.backends.common.images.ensure", ensure)
    with pytest.raises(CommandError):
        DockerBackend().ensure_images(context())
