"""`up`, `reset` and `down` over a fake backend: the lab is loaded and the backend built once,
step outputs land in state, a second `up` is a no-op, a failed `up` cleans up after itself and
a failed `reset` keeps what exists."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.base import Backend
from provisioner.core.errors import BackendUnavailable, InfraError, UsageError
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions.model import Lab
from provisioner.lifecycle import down, reset, up
from provisioner.lifecycle.steps import Context, Produced, Step

LAB = Lab.model_validate(
    {
        "id": "fakelab",
        "title": "Fake",
        "kind": "test",
        "hours": 0.1,
        "description": "A lab on a backend that makes nothing.",
        "offline": "Everything.",
        "sandbox": {"backend": "local", "components": [{"name": "box", "type": "directory"}]},
        "checks": [{"name": "true", "command": {"argv": ["true"]}}],
        "access": "endpoint {{ endpoints.web }}",
    }
)


class FakeBackend(Backend):
    name = "local"

    def __init__(self, calls: Counter[str], fail: bool = False) -> None:
        self.calls, self.fail = calls, fail

    def preflight(self, ctx: Context) -> None: ...

    def up_steps(self) -> list[Step]:
        return [Step("ports", "ports", self.ports), Step("apply", "apply", self.apply)]

    def down_steps(self) -> list[Step]:
        return [Step("destroy", "destroy", lambda ctx: self.calls.update(["destroy"]))]

    def after_ready_steps(self) -> list[Step]:
        return [Step("keep", "keep", self.keep)]

    def keep(self, ctx: Context) -> None:
        self.calls.update([f"keep when {ctx.store.load().status}"])

    def reset_steps(self) -> list[Step]:
        return [] if self.calls["no-reset"] else [Step("replace", "replace", self.replace)]

    def replace(self, ctx: Context) -> None:
        self.calls.update(["replace"])
        if self.fail:
            raise InfraError("replace failed")

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        return argv

    def ports(self, ctx: Context) -> Produced:
        return {"ports": {"web": 27100}}

    def apply(self, ctx: Context) -> Produced:
        if self.fail:
            raise InfraError("apply failed")
        return {"endpoints": {"web": f"http://127.0.0.1:{ctx.store.load().ports['web']}"}, "hosts": {"box": {}}}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, lab_home: Path) -> Counter[str]:
    counted: Counter[str] = Counter()

    def load(lab_id: str) -> Lab:
        counted.update(["load"])
        return LAB

    def get(name: str, *args: Any) -> Backend:
        counted.update(["backend"])
        return FakeBackend(counted, fail=counted["fail"] > 0)

    for module in (up, down, reset):
        monkeypatch.setattr(module.catalog, "load", load)
        monkeypatch.setattr(module.backends, "get", get)
    return counted


def test_up_loads_once_records_what_steps_produce_and_is_then_a_no_op(calls: Counter[str]) -> None:
    result = up.up("fakelab")
    assert (calls["load"], calls["backend"]) == (1, 1)
    state = Store(InstanceRef("fakelab")).load()
    assert state.status == "ready" and state.ports == {"web": 27100} and state.backend == "local"
    assert result.access == "endpoint http://127.0.0.1:27100" and result.definition is LAB
    assert [c.name for c in result.checks] == ["true"] and not result.noop
    assert calls["keep when ready"] == 1  # the backend's after-ready steps see a ready sandbox
    assert up.up("fakelab").noop
    assert down.down("fakelab") and calls["destroy"] == 1
    assert not Store(InstanceRef("fakelab")).exists()


def test_a_failed_up_records_why_and_tears_down(calls: Counter[str]) -> None:
    calls.update(["fail"])
    with pytest.raises(InfraError, match="apply failed"):
        up.up("fakelab")
    state = Store(InstanceRef("fakelab")).load()
    assert state.status == "failed-removed" and state.error == "apply failed"
    assert calls["destroy"] == 1


def test_reset_makes_the_sandbox_again_and_keeps_its_ports(calls: Counter[str]) -> None:
    with pytest.raises(UsageError, match="no sandbox of fakelab"):
        reset.reset("fakelab")
    assert not Store(InstanceRef("fakelab")).exists(), "a refused reset leaves no state folder"
    up.up("fakelab")
    result = reset.reset("fakelab")
    state = Store(InstanceRef("fakelab")).load()
    assert calls["replace"] == 1 and state.status == "ready" and state.ports == {"web": 27100}
    assert [c.name for c in result.checks] == ["true"] and result.access == "endpoint http://127.0.0.1:27100"


def test_a_failed_reset_keeps_the_sandbox_and_says_how_to_go_on(calls: Counter[str]) -> None:
    up.up("fakelab")
    calls.update(["fail"])
    with pytest.raises(InfraError, match="replace failed") as failed:
        reset.reset("fakelab")
    assert "lab up fakelab" in str(failed.value.fix)
    assert Store(InstanceRef("fakelab")).load().status == "failed" and calls["destroy"] == 0


def test_reset_on_a_backend_without_it_names_the_alternative(calls: Counter[str]) -> None:
    up.up("fakelab")
    calls.update(["no-reset"])
    with pytest.raises(BackendUnavailable, match="cannot reset") as refused:
        reset.reset("fakelab")
    assert "lab down fakelab" in str(refused.value.fix)


@pytest.mark.parametrize("status", ["creating", "failed", "destroying"])
def test_an_up_cut_short_before_ready_is_removed_before_it_is_made_again(calls: Counter[str], status: str) -> None:
    Store(InstanceRef("fakelab")).update(status=status, backend="local")
    assert up.up("fakelab").checks and calls["destroy"] == 1
    assert Store(InstanceRef("fakelab")).load().status == "ready"


def test_a_sandbox_that_was_ready_is_never_removed_by_a_later_up(calls: Counter[str]) -> None:
    Store(InstanceRef("fakelab")).update(status="failed", backend="local", ready_at=1.0)
    up.up("fakelab")
    assert calls["destroy"] == 0 and Store(InstanceRef("fakelab")).load().status == "ready"
