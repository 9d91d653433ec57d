from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provisioner.core import redact

REPO = Path(__file__).resolve().parent.parent
TEST_LABS = REPO / "tests" / "labs"


@pytest.fixture
def lab_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private state root and the test labs on LAB_PATH. Whatever a failing test left in it is
    torn down afterwards, so one failure does not leave sandboxes for the next run to trip on."""
    home = tmp_path / "home"
    monkeypatch.setenv("LAB_HOME", str(home))
    monkeypatch.setenv("LAB_PATH", str(TEST_LABS))
    yield home
    _tear_down_everything(home)


def _tear_down_everything(home: Path) -> None:
    import json
    import subprocess
    import sys

    def lab(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "provisioner", *args], capture_output=True, text=True, check=False, timeout=600
        )

    if not (home / "instances").exists():
        return
    for row in json.loads(lab("status", "--output", "json").stdout or "[]"):
        lab("down", row["lab"], "--instance", row["instance"])
    if docker_running():
        lab("gc", "--yes")


@pytest.fixture
def lab_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lab_home: Path) -> Path:
    """A writable copy of the test lab, first on LAB_PATH, for tests that edit the definition."""
    labs = tmp_path / "labs"
    shutil.copytree(TEST_LABS / "testlab", labs / "testlab")
    monkeypatch.setenv("LAB_PATH", str(labs))
    return labs / "testlab"


CATALOG_RUN = pytest.StashKey[object]()
# Seconds of each lab in the catalog smoke, printed at the end: the suite has a time budget on a
# fresh machine, and CI's output is where its parts are measured.
SMOKE_SECONDS = pytest.StashKey[dict[str, float]]()
SESSION_START = pytest.StashKey[float]()


def pytest_sessionstart(session: pytest.Session) -> None:
    import time

    session.config.stash[SESSION_START] = time.monotonic()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seconds = config.stash.get(SMOKE_SECONDS, None)
    run = config.stash.get(CATALOG_RUN, None)
    if not seconds or run is None:
        return
    began = run.started - config.stash.get(SESSION_START, run.started)  # type: ignore[attr-defined]
    terminalreporter.write_sep("-", f"catalog smoke: began {began:.0f} s into the session; seconds per lab")
    slowest = sorted(seconds.items(), key=lambda item: -item[1])
    terminalreporter.write_line("  ".join(f"{lab} {s:.0f}" for lab, s in slowest))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The first test after the `early` and `solo` ones starts the catalog smoke in the background."""
    config = item.config
    if item.get_closest_marker("early") or item.get_closest_marker("solo") or CATALOG_RUN in config.stash:
        return
    if not any(i.get_closest_marker("catalog") for i in item.session.items):  # after -m and -k
        return
    from tests.e2e import catalog_run

    folder = config._tmp_path_factory.mktemp("catalog")  # type: ignore[attr-defined]
    config.stash[CATALOG_RUN] = catalog_run.start(folder)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Interrupted (Ctrl-C, -x) before the catalog test collected it: its sandboxes still go down."""
    run = session.config.stash.get(CATALOG_RUN, None)
    if run is not None:
        run.stop()  # type: ignore[attr-defined]


def lab_bin() -> str:
    return str(Path(os.sys.executable).parent / "lab")


def docker_running() -> bool:
    import subprocess

    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `early` run first (the host-snapshot test is the one that builds every image on a
    fresh machine, before anything else has touched the host), then the `solo` stress tests; the
    catalog smoke is collected last, after running beside the others (tests/e2e/catalog_run.py).
    A missing Docker engine skips docker tests on a laptop, and fails them in CI."""
    early = [i for i in items if i.get_closest_marker("early")]
    solo = [i for i in items if i.get_closest_marker("solo") and i not in early]
    last = [i for i in items if i.get_closest_marker("catalog") and i not in early]
    items[:] = early + solo + [i for i in items if i not in early + solo + last] + last
    if docker_running():
        return
    # In CI each docker test fails at set-up: xfail(run=False) would report it and still pass.
    mark = pytest.mark.no_docker_engine if os.environ.get("CI") else pytest.mark.skip(reason="no Docker engine")
    for item in items:
        if "docker" in item.keywords:
            item.add_marker(mark)


@pytest.fixture(autouse=True)
def _docker_engine_required(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("no_docker_engine"):
        pytest.fail("CI must have a running Docker engine (bash scripts/install-docker starts one)")


@pytest.fixture(autouse=True)
def _forget_loose_secrets() -> Iterator[None]:
    """Secrets a test registers outside a run (steps driven by hand) end with that test."""
    yield
    redact.forget_loose()
