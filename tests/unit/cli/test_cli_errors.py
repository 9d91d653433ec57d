"""Errors become one line (plus the fix) and the documented exit code; tracebacks only with --debug."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.core.errors import InfraError
from tests.unit.cli.helpers import Lab, raising

TESTLAB = Path(__file__).parents[2] / "labs" / "testlab" / "lab.yaml"


def test_unknown_lab_is_one_line_with_a_suggestion_exit_2(lab: Lab) -> None:
    result = lab("up", "mod-0088")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: unknown lab 'mod-0088': did you mean 'mod-008'?\n"


def test_unknown_lab_without_a_near_name_says_how_to_find_one(lab: Lab) -> None:
    result = lab("show", "zzz")
    assert (result.exit_code, result.stderr) == (2, "error: unknown lab 'zzz': run `lab list` to see the labs\n")


def test_invalid_definition_reports_every_problem_with_file_and_field_exit_2(lab: Lab, tmp_path: Path) -> None:
    bad = tmp_path / "broken" / "lab.yaml"
    bad.parent.mkdir()
    text = TESTLAB.read_text().replace("id: testlab", "id: broken").replace("hours: 0.1", "hours: many\nsize: big")
    bad.write_text(text)
    result = lab("validate", str(bad))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"{bad}: hours: input should be a valid number, unable to parse string as a number (got 'many')\n"
        f"{bad}: size: unknown key\n"
        "error: 2 problems in lab definitions\n"
    )


def test_yaml_that_does_not_parse_names_file_line_and_column(lab: Lab, tmp_path: Path) -> None:
    bad = tmp_path / "broken" / "lab.yaml"
    bad.parent.mkdir()
    bad.write_text("id: [unclosed\n")
    result = lab("validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{bad}: line 2, column 1: invalid YAML: did not find expected ',' or ']'\n"
        "error: 1 problem in lab definitions\n"
    )


def test_bad_option_is_a_usage_error_exit_2(lab: Lab) -> None:
    result = lab("list", "--output", "xml")
    assert result.exit_code == 2 and "Invalid value for '--output'" in result.stderr


def test_infra_error_prints_message_and_fix_and_a_traceback_only_with_debug(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "provisioner.lifecycle.up.up", raising(InfraError("the Docker engine is not running", "lab doctor --fix"))
    )
    result = lab("up", "mod-008")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == "error: the Docker engine is not running\n  fix: lab doctor --fix\n"
    debug = lab("--debug", "up", "mod-008")
    assert debug.exit_code == 3 and debug.stderr.startswith("Traceback (most recent call last):\n")
    assert debug.stderr.endswith("error: the Docker engine is not running\n  fix: lab doctor --fix\n")


def test_unexpected_error_is_one_line_unless_debug(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("provisioner.definitions.catalog.summaries", raising(RuntimeError("kaput")))
    result = lab("list")
    assert result.exit_code == 3
    assert result.stderr == "error: unexpected RuntimeError: kaput (run with --debug for the traceback)\n"
    debug = lab("--debug", "list")
    assert isinstance(debug.exception, RuntimeError)  # not caught: Python prints the traceback


def test_ctrl_c_in_the_core_exits_130_without_a_traceback(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("provisioner.lifecycle.up.up", raising(KeyboardInterrupt()))
    result = lab("up", "mod-008")
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr == "interrupted: run `lab status` to see what is left\n"


def test_push_without_a_registry_says_how_to_name_one_exit_2(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAB_IMAGE_REGISTRY", raising=False)
    result = lab("images", "push", "mod-008")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: no registry to push to\n  fix: pass --registry HOST:PORT or set LAB_IMAGE_REGISTRY\n"
    )
