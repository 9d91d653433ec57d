"""Failing checks raise CheckFailed: exit 1, the results on stdout, one summary line on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from provisioner.checks.junit import Case
from provisioner.checks.types import CheckResult
from provisioner.exercises.run import ExerciseResult
from tests.unit.cli.helpers import Lab


def checks(*passed: bool) -> list[CheckResult]:
    return [CheckResult(f"check {i}", "file", ok, "greeting = hello", "bye", 0.1) for i, ok in enumerate(passed, 1)]


def verified(monkeypatch: pytest.MonkeyPatch, results: list[CheckResult], diagnostics: str | None = None) -> None:
    passed = all(r.passed for r in results)
    outcome = SimpleNamespace(checks=results, passed=passed, unavailable={}, diagnostics=diagnostics)
    monkeypatch.setattr("provisioner.lifecycle.verify.verify", lambda *_a: outcome)


def test_verify_that_passes_exits_0(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    verified(monkeypatch, checks(True))
    result = lab("verify", "mod-008")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "PASS  check 1\n", "")


def test_failing_verify_exits_1_with_the_diagnostics(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    verified(monkeypatch, checks(True, False), diagnostics="/tmp/bundle")
    result = lab("verify", "mod-008")
    assert result.exit_code == 1
    assert result.stdout == "PASS  check 1\nFAIL  check 2\n      expected greeting = hello; seen bye\n"
    assert result.stderr == "error: 1 of 2 readiness checks failed\n  diagnostics: /tmp/bundle\n"


def test_failing_verify_json_parses_and_exits_1(lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    verified(monkeypatch, checks(False))
    result = lab("verify", "mod-008", "-i", "a", "--junit", str(tmp_path / "r.xml"), "--output", "json")
    data = json.loads(result.stdout)
    assert (result.exit_code, data["passed"], data["instance"]) == (1, False, "a")
    assert "<failure" in (tmp_path / "r.xml").read_text()


def test_failing_exercise_check_exits_1_with_the_hint(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    exercise = ExerciseResult("add-index", "Add an index", False, " Use EXPLAIN. ", checks(False))
    monkeypatch.setattr("provisioner.exercises.run.check", lambda *_a: [exercise])
    result = lab("check", "mod-008")
    assert result.exit_code == 1
    assert result.stdout == (
        "FAIL  add-index: Add an index\n"
        "      check 1: expected greeting = hello; seen bye\n"
        "      hint: Use EXPLAIN.\n"
        "0/1 exercises done\n"
    )
    assert result.stderr == "error: 1 of 1 exercises not done yet\n  fix: see the hints above\n"


def test_failed_smoke_exits_1_and_names_the_lab(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    run = SimpleNamespace(lab="mod-008", status="failed", reason="up failed", seconds=2.0, diagnostics=None)
    run.cases = [Case("check 1", "after", False, "expected x; seen y")]
    monkeypatch.setattr("provisioner.lifecycle.smoke.smoke", lambda *_a: [run])
    result = lab("smoke", "mod-008")
    assert result.exit_code == 1
    assert result.stdout == (
        "FAILED   mod-008         2.0s  up failed\n"
        "         check 1: expected x; seen y\n"
        "0 passed, 1 failed, 0 skipped\n"
    )
    assert result.stderr == "error: 1 of 1 labs failed their smoke test: mod-008\n"


def test_smoke_needs_labs_or_all(lab: Lab) -> None:
    result = lab("smoke")
    assert result.exit_code == 2 and result.stderr.endswith("Error: name labs or pass --all\n")


def test_out_of_date_schema_check_exits_1(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("provisioner.definitions.schema.write_schema", lambda check_only: True)
    result = lab("schema", "--check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: schema/lab.schema.json is out of date\n  fix: run `lab schema`\n"


def test_cohort_up_passes_prune_to_the_core_and_fails_with_exit_3(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []

    def up(*_args: object, **kwargs: Any) -> tuple[list[Any], list[str]]:
        calls.append(kwargs)
        return [SimpleNamespace(student="ann", status="failed", seconds=1.0, error="boom")], ["ben"]

    monkeypatch.setattr("provisioner.cohort.run.up", up)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\nann,Ann,ann@example.org\n")
    result = lab("cohort", "up", "mod-008", "--roster", str(roster), "--prune")
    assert (result.exit_code, calls) == (3, [{"prune": True, "target": None}])
    assert result.stdout == "failed   ann                 1.0s  boom\nben: removed\n"
    assert result.stderr == (
        "error: 1 of 1 students failed: ann\n"
        f"  fix: run `lab cohort up mod-008 --roster {roster}` again: only missing or failed students are retried\n"
    )


def test_up_only_lists_every_exercise_as_skipped_never_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from provisioner.core.report import Silent
    from provisioner.definitions import catalog
    from provisioner.lifecycle import smoke

    calls: list[str] = []
    monkeypatch.setattr(smoke, "skip_reason", lambda *_a: None)
    monkeypatch.setattr(smoke, "up", lambda *_a: calls.append("up"))
    monkeypatch.setattr(smoke, "down", lambda *_a: calls.append("down"))
    monkeypatch.setattr(smoke, "check", lambda *_a, **_k: calls.append("check"))
    monkeypatch.setattr(smoke, "solve", lambda *_a: calls.append("solve"))
    run = smoke.smoke_lab("mod-008", threading.Event(), False, Silent(), up_only=True)
    assert calls == ["up", "down"]
    assert run.status == "passed" and run.reason == "up and down only: exercises not proven"
    exercises = [ex.id for ex in catalog.load("mod-008").exercises]
    assert [c.name for c in run.cases] == ["up", *(f"{e} not proven" for e in exercises), "down"]
    assert all(c.skipped and not c.passed for c in run.cases[1:-1])


def test_up_only_must_name_a_lab_being_tested(lab: Lab) -> None:
    result = lab("smoke", "mod-008", "--up-only", "mod-001")
    assert result.exit_code == 2 and "--up-only names a lab that is not smoke-tested here: mod-001" in result.stderr


def test_an_unavailable_components_check_is_a_skipped_case_and_the_lab_still_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from provisioner.core.report import Silent
    from provisioner.lifecycle import smoke

    unavailable = CheckResult("import", "grafana", False, "x", "unavailable: no image", 0, 0, {"unavailable": "g"})
    model = CheckResult("model", "dashboard", True, "x", "ok", 0.1)
    before = [ExerciseResult("dash", "A dashboard", False, "hint", [])]
    after = [ExerciseResult("dash", "A dashboard", True, "hint", [model, unavailable])]
    monkeypatch.setattr(smoke, "skip_reason", lambda *_a: None)
    monkeypatch.setattr(smoke, "up", lambda *_a: None)
    monkeypatch.setattr(smoke, "down", lambda *_a: None)
    monkeypatch.setattr(smoke, "solve", lambda *_a: None)
    monkeypatch.setattr(smoke, "check", lambda *_a, retry=False: after if retry else before)
    run = smoke.smoke_lab("mod-008", threading.Event(), False, Silent())
    assert run.status == "passed" and run.reason == "checks of optional components unavailable here skipped"
    [case] = [c for c in run.cases if c.name == "dash passes after solve: import"]
    assert case.skipped and not case.passed and "unavailable: no image" in case.message
