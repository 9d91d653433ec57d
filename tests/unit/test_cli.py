from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from provisioner.cli import main as cli_module
from provisioner.core.errors import InfraError

CATALOG = [
    "mod-001",
    "mod-002",
    "mod-003",
    "mod-004",
    "mod-005",
    "mod-006",
    "mod-007",
    "mod-008",
    "mod-009",
    "mod-010",
    "project-01",
    "project-02",
    "project-03",
    "project-04",
    "project-05",
]


def lab(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provisioner", *args], capture_output=True, text=True, env=env, check=False
    )


def test_list_json_has_exactly_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAB_PATH", raising=False)
    result = lab("list", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert sorted(row["id"] for row in json.loads(result.stdout)) == CATALOG


def test_unknown_lab_is_one_line_with_a_suggestion_exit_2() -> None:
    result = lab("up", "mod-0088")
    assert result.returncode == 2
    assert result.stderr == "error: unknown lab 'mod-0088': did you mean 'mod-008'?\n"
    assert "Traceback" not in result.stderr


def test_invalid_definition_reports_every_problem_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken" / "lab.yaml"
    bad.parent.mkdir()
    bad.write_text(
        (Path(__file__).parent.parent / "labs/testlab/lab.yaml")
        .read_text()
        .replace("id: testlab", "id: broken")
        .replace("hours: 0.1", "hours: many\nsize: big")
    )
    result = lab("validate", str(bad))
    assert result.returncode == 2
    assert "broken/lab.yaml: size: unknown key" in result.stderr
    assert "broken/lab.yaml: hours: input should be a valid number" in result.stderr


def test_validate_the_catalog_passes() -> None:
    result = lab("validate")
    assert result.returncode == 0, result.stderr
    assert "definitions valid" in result.stdout


def test_bad_option_is_a_usage_error() -> None:
    assert lab("list", "--output", "xml").returncode == 2


def test_infra_error_prints_message_and_fix_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise InfraError("the Docker engine is not running", "lab doctor --fix")

    monkeypatch.setattr("provisioner.lifecycle.ops.up", boom)
    monkeypatch.setattr(sys, "argv", ["lab", "up", "mod-008"])
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert err == "error: the Docker engine is not running\n  fix: lab doctor --fix\n"


def test_unexpected_error_is_one_line_unless_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr("provisioner.definitions.catalog.summaries", boom)
    monkeypatch.setattr(sys, "argv", ["lab", "list"])
    with pytest.raises(SystemExit) as info:
        cli_module.main()
    assert info.value.code == 3 and "Traceback" not in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["lab", "--debug", "list"])
    with pytest.raises(RuntimeError):
        cli_module.main()


def test_committed_schema_is_current() -> None:
    assert lab("schema", "--check").returncode == 0


def test_up_on_a_planned_backend_says_which_and_exits_3() -> None:
    result = lab("up", "mod-006")
    assert result.returncode == 3
    expected = "error: backend 'kind' is not available: kind clusters are not part of this version of lab"
    assert result.stderr.startswith(expected)
