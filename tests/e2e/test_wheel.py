"""A built wheel works without the checkout: build it, install it in a fresh venv outside the
repository, and bring a Docker lab up and down with that venv's `lab` from a folder elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import docker_leftovers, state_leftovers

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "mod-008"
INSTANCE = f"wheel{os.getpid()}"
REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str | Path], timeout: int, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{argv} -> {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def source_copy(dest: Path) -> Path:
    """The checkout's files as git sees them (tracked or new, not ignored): a build leaves its
    build/ and egg-info in the copy, and stale build output of the checkout cannot leak in."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], 60, cwd=REPO)
    for name in filter(None, listed.stdout.split("\0")):
        if (REPO / name).is_file():  # a tracked file deleted in the working tree is not listed on disk
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)  # with its mode: scripts and entrypoints stay executable
    return dest


@pytest.fixture
def venv(tmp_path: Path) -> Iterator[Path]:
    """The wheel installed in a fresh venv, removed afterwards: with Ansible it is some 350 MB."""
    yield installed_venv(tmp_path)
    shutil.rmtree(tmp_path / "venv", ignore_errors=True)
    shutil.rmtree(tmp_path / "src", ignore_errors=True)


def installed_venv(tmp: Path) -> Path:
    """The wheel built from a copy of the checkout, in a new venv with its dependencies from PyPI
    (the pip cache makes repeats fast)."""
    src = source_copy(tmp / "src")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp / "dist", src], 600)
    [wheel] = (tmp / "dist").glob("*.whl")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", venv], 300)
    # Compiling the dependencies (Ansible is thousands of files) is what takes time; the wheel's own
    # package is compiled as pip would, since its data folders then hold __pycache__ too.
    run([venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check", "--no-compile", wheel], 900)
    package = next(venv.glob("lib/python*/site-packages/provisioner"))
    run([venv / "bin" / "python", "-m", "compileall", "-q", package], 300)
    return venv


def test_installed_wheel_brings_a_docker_lab_up_and_down_from_outside_the_checkout(venv: Path, tmp_path: Path) -> None:
    (work := tmp_path / "elsewhere").mkdir()
    home = tmp_path / "home"
    keep_out = {"LAB_ROOT", "LAB_PATH", "PYTHONPATH", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items() if k not in keep_out} | {"LAB_HOME": str(home)}

    def lab(*args: str, timeout: int = 1200) -> subprocess.CompletedProcess[str]:
        return run([venv / "bin" / "lab", *args], timeout, cwd=work, env=env)

    where = run([venv / "bin" / "python", "-c", "from provisioner.core import paths; print(paths.ROOT)"], 60, cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(venv.resolve()), where.stdout
    lab("validate")
    lab("schema", "--check")
    try:
        lab("up", LAB, "-i", INSTANCE)
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(home) == []
