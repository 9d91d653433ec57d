from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_LABS = REPO / "tests" / "labs"


@pytest.fixture
def lab_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private state root and the test labs on LAB_PATH."""
    home = tmp_path / "home"
    monkeypatch.setenv("LAB_HOME", str(home))
    monkeypatch.setenv("LAB_PATH", str(TEST_LABS))
    return home


@pytest.fixture
def lab_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lab_home: Path) -> Path:
    """A writable copy of the test lab, first on LAB_PATH, for tests that edit the definition."""
    labs = tmp_path / "labs"
    shutil.copytree(TEST_LABS / "testlab", labs / "testlab")
    monkeypatch.setenv("LAB_PATH", str(labs))
    return labs / "testlab"


def lab_bin() -> str:
    return str(Path(os.sys.executable).parent / "lab")
