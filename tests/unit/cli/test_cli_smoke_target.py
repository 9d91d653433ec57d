"""`lab smoke --target kubernetes --kubeconfig K`: the same up, exercises, checks and down as on
Docker, with only `up` told where (the rest finds the place in the instance's state); a lab the
target cannot take is skipped with the reason, never passed."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from provisioner.core.report import Silent
from provisioner.exercises.run import ExerciseResult
from provisioner.lifecycle import smoke
from provisioner.lifecycle.steps import Target
from tests.unit.cli.helpers import Lab

TARGET = Target("kubernetes", "/admin.yaml", "kind-lab")


def test_the_target_reaches_the_smoke_whole_and_absolute(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    passed = SimpleNamespace(lab="mod-008", status="passed", reason="", seconds=1.0, diagnostics=None, cases=[])
    monkeypatch.setattr("provisioner.lifecycle.smoke.smoke", lambda *args: seen.append(args) or [passed])
    monkeypatch.chdir(tmp_path)
    Path("admin.yaml").write_text("{}")
    result = lab("smoke", "mod-008", "--target", "kubernetes", "--kubeconfig", "admin.yaml", "--context", "kind-lab")
    assert result.exit_code == 0, result.stderr
    assert seen[0][0] == ["mod-008"] and seen[0][-1] == Target("kubernetes", str(tmp_path / "admin.yaml"), "kind-lab")


def test_without_a_target_the_smoke_is_as_before(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    monkeypatch.setattr("provisioner.lifecycle.smoke.smoke", lambda *args: seen.append(args) or [])
    assert lab("smoke", "mod-008").exit_code == 0 and seen[0][-1] is None


def test_a_target_without_a_kubeconfig_is_refused_before_any_lab_goes_up(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("provisioner.lifecycle.smoke.smoke", lambda *_a: pytest.fail("no lab may go up"))
    result = lab("smoke", "mod-008", "--target", "kubernetes")
    assert result.exit_code == 2 and "--target kubernetes needs the cluster's kubeconfig" in result.stderr


def test_only_up_is_told_the_target_and_the_exercises_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, object]] = []
    before = [ExerciseResult("ex", "An exercise", False, "hint", [])]
    after = [ExerciseResult("ex", "An exercise", True, "hint", [])]
    monkeypatch.setattr(smoke, "skip_reason", lambda lab_id, target: calls.append(("skip?", target)))
    monkeypatch.setattr(smoke, "up", lambda _l, _i, options, _r: calls.append(("up", options.target)))

    def check(*_a: object, retry: bool = False) -> list[ExerciseResult]:
        calls.append(("check", retry))
        return after if retry else before

    monkeypatch.setattr(smoke, "check", check)
    monkeypatch.setattr(smoke, "solve", lambda lab_id, ids, *_a: calls.append(("solve", ids)))
    monkeypatch.setattr(smoke, "down", lambda lab_id, instance, _r: calls.append(("down", instance)))
    run = smoke.smoke_lab("mod-008", threading.Event(), False, Silent(), target=TARGET)
    assert run.status == "passed", run.cases
    assert calls == [
        ("skip?", TARGET),
        ("up", TARGET),
        ("check", False),
        ("solve", ["ex"]),
        ("check", True),
        ("down", "smoke"),
    ]


def test_a_lab_the_target_cannot_take_is_skipped_with_the_reason() -> None:
    reason = smoke.skip_reason("mod-002", TARGET)
    assert reason == "mod-002 is a vm lab: --target kubernetes places container (docker) labs only"
    run = smoke.smoke_lab("mod-002", threading.Event(), False, Silent(), target=TARGET)
    assert run.status == "skipped" and run.reason == reason


def test_the_preflight_is_the_targets_with_the_target_in_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    class Backend:
        def preflight(self, ctx: Any) -> None:
            seen.append(ctx.options.target)

    monkeypatch.setattr(smoke.backends, "for_lab", lambda lab, target: seen.append(target) or Backend())
    assert smoke.skip_reason("mod-008", TARGET) is None
    assert seen == ["kubernetes", TARGET]
