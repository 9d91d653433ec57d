"""The installed `lab` command starts; the committed catalog and schema are valid and current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.unit.cli.helpers import Lab


def test_the_installed_entry_point_runs_help() -> None:
    lab = Path(sys.executable).parent / "lab"  # console script installed next to the venv's python
    result = subprocess.run([str(lab), "--help"], capture_output=True, text=True, check=False, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: lab [OPTIONS] COMMAND [ARGS]...\n")


def test_version(lab: Lab) -> None:
    result = lab("--version")
    assert result.exit_code == 0 and result.stdout.startswith("lab, version ")


def test_committed_schema_is_current(lab: Lab) -> None:
    result = lab("schema", "--check")
    assert (result.exit_code, result.stdout) == (0, "schema/lab.schema.json up to date\n"), result.stderr


def test_validate_the_catalog_passes(lab: Lab) -> None:
    result = lab("validate")
    assert (result.exit_code, result.stdout) == (0, "15 definitions valid\n"), result.stderr
