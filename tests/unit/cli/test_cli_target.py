"""`lab up --target`: a half-given target or a lab the target cannot take is a usage error (exit
2) with the fix, before anything is made; a whole one reaches the core as one Target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from provisioner.lifecycle.steps import Target
from tests.unit.cli.helpers import Lab


def test_a_target_without_a_kubeconfig_is_refused_with_the_fix(lab: Lab) -> None:
    result = lab("up", "mod-008", "--target", "kubernetes")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --target kubernetes needs the cluster's kubeconfig\n  fix: add --kubeconfig PATH (and --context NAME)\n"
    )


def test_a_kubeconfig_without_a_target_is_refused(lab: Lab, tmp_path: Path) -> None:
    config = tmp_path / "admin.yaml"
    config.write_text("{}")
    result = lab("up", "mod-008", "--kubeconfig", str(config))
    assert result.exit_code == 2 and "--kubeconfig and --context go with --target" in result.stderr


def test_a_vm_lab_on_the_kubernetes_target_is_one_line_and_the_fix(lab: Lab, tmp_path: Path) -> None:
    config = tmp_path / "admin.yaml"
    config.write_text("{}")
    result = lab("up", "mod-002", "--target", "kubernetes", "--kubeconfig", str(config))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: mod-002 is a vm lab: --target kubernetes places container (docker) labs only\n"
        "  fix: run `lab up mod-002` without --target\n"
    )


def test_the_target_reaches_up_whole_and_absolute(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    monkeypatch.setattr("provisioner.lifecycle.up.up", lambda *args: seen.append(args[2]) or _boom())
    monkeypatch.chdir(tmp_path)
    Path("admin.yaml").write_text("{}")
    lab("up", "mod-008", "--target", "kubernetes", "--kubeconfig", "admin.yaml", "--context", "kind-lab")
    assert seen[0].target == Target("kubernetes", str(tmp_path / "admin.yaml"), "kind-lab")


def test_without_a_target_up_is_as_before(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    monkeypatch.setattr("provisioner.lifecycle.up.up", lambda *args: seen.append(args[2]) or _boom())
    lab("up", "mod-008")
    assert seen[0].target is None


def test_cohort_up_takes_the_same_options(lab: Lab, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\nann,Ann,ann@example.org\n")
    result = lab("cohort", "up", "mod-008", "--roster", str(roster), "--target", "kubernetes")
    assert result.exit_code == 2 and "needs the cluster's kubeconfig" in result.stderr


def _boom() -> None:
    raise KeyboardInterrupt  # stops the command once the core has been called
