"""Run `lab` in-process with click's CliRunner, against the real catalog and a private LAB_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from provisioner.cli.main import cli
from tests.unit.cli.helpers import Lab


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lab:
    """`lab(*args)` runs the CLI and returns its exit code, stdout and stderr (kept apart)."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAB_PATH", raising=False)
    monkeypatch.delenv("LAB_DEBUG", raising=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), prog_name="lab")

    return run
