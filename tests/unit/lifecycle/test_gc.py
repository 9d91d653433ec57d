"""`lab gc` finds instances a killed `lab up` left half made, and tears them down with --yes."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.core.report import Silent
from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle import gc


@pytest.fixture(autouse=True)
def _no_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc, "orphans", lambda run: [])
    monkeypatch.setattr(gc, "remove", lambda found, run: None)


def test_an_unfinished_instance_no_process_holds_is_interrupted(lab_home: Path) -> None:
    Store(InstanceRef("mod-002", "killed")).update(status="creating")
    Store(InstanceRef("mod-002", "ready")).update(status="ready")
    assert gc.interrupted() == [{"lab": "mod-002", "instance": "killed", "status": "creating"}]


def test_an_instance_a_live_process_holds_is_left_alone(lab_home: Path) -> None:
    store = Store(InstanceRef("mod-002", "working"))
    store.update(status="creating")
    with store.lock("up"):
        assert gc.interrupted() == []


def test_yes_tears_interrupted_instances_down(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(InstanceRef("mod-002", "killed")).update(status="destroying")
    downs: list[tuple[str, str]] = []
    monkeypatch.setattr(gc, "down", lambda lab, instance, report: downs.append((lab, instance)))
    assert gc.collect(False, False, False, Silent()).interrupted and downs == []
    found = gc.collect(True, False, False, Silent())
    assert found.removed and downs == [("mod-002", "killed")]


def test_kept_terraform_inits_are_listed_and_removed_only_with_yes(lab_home: Path) -> None:
    import os

    kept = lab_home / "terraform-init" / "0123abcd"
    (kept / ".terraform").mkdir(parents=True)
    os.utime(kept, (0, 0))  # no instance links it, and none has for a day
    assert gc.collect(False, False, False, Silent()).terraform_inits == [str(kept)] and kept.exists()
    assert gc.collect(True, False, False, Silent()).terraform_inits == [str(kept)] and not kept.exists()
