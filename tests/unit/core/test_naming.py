"""Resource names carry their owner, and an instance keeps the name it was made with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.core import naming
from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle.steps import Context


def test_two_state_roots_of_one_user_name_the_same_instance_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "Ann.Lee")
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "a"))
    first = naming.resource_name("mod-008", "default")
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "b"))
    second = naming.resource_name("mod-008", "default")
    assert first != second and first.startswith("lab-annlee-") and first.endswith("-mod-008-default")


def test_the_default_state_root_names_by_user_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "ann")
    monkeypatch.delenv("LAB_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert naming.resource_name("mod-008", "default") == "lab-ann-mod-008-default"


def test_an_instance_made_before_owner_names_keeps_its_name(lab_home: Path) -> None:
    ref = InstanceRef("mod-008", "old")
    folder = lab_home / "instances" / "mod-008" / "old"
    folder.mkdir(parents=True)
    (folder / "state.json").write_text(
        json.dumps({"version": 1, "lab": "mod-008", "instance": "old", "status": "ready"})
    )
    assert Context(ref, Store(ref)).name == "lab-mod-008-old"


def test_a_new_instance_gets_an_owner_name_and_keeps_it(lab_home: Path) -> None:
    ref = InstanceRef("mod-008", "new")
    ctx = Context(ref, Store(ref))
    assert ctx.name == naming.resource_name("mod-008", "new")
    ctx.store.update(name="lab-someone-mod-008-new")  # recorded at its first up
    assert ctx.name == "lab-someone-mod-008-new"
