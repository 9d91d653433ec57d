"""Unit tests never wait on this machine's image build lock: a real `lab images build` (the kind
node image takes its lock for twenty minutes) must not stall them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioner.backends.common import images
from provisioner.backends.common.locks import flock


@pytest.fixture(autouse=True)
def _own_build_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(images, "build_lock", lambda: flock(tmp_path / "lab-image-build.lock"))
    yield
