"""A two-VM test lab and a private storage root for the vm backend's unit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from provisioner.core.state import InstanceRef, Store
from provisioner.definitions.model import Lab
from provisioner.lifecycle.steps import Context

LAB: dict[str, Any] = {
    "id": "vmunit",
    "title": "VM unit",
    "kind": "test",
    "hours": 0.1,
    "description": "Two VMs.",
    "offline": "Offline.",
    "sandbox": {
        "backend": "vm",
        "components": [
            {"name": name, "type": "vm", "ports": [{"name": f"ssh-{name}", "port": 22}]} for name in ("web", "db")
        ],
    },
    "access": "ssh",
}


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "storage"
    monkeypatch.setenv("LAB_VM_STORAGE", str(root))
    return root


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The test lab's default instance in a private state root."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    ref = InstanceRef("vmunit")
    Store(ref).update(name="lab-vmunit-default")  # the names these tests' fake libvirt knows
    return Context(ref, Store(ref), Lab.model_validate(LAB))
