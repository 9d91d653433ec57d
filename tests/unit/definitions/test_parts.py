"""One id names a lab's parts; instances made before the layout changed still go down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from provisioner.core import paths
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog, parts
from provisioner.lifecycle.down import down

REPO = Path(__file__).resolve().parents[3]


def test_every_playbook_is_named_by_its_labs_id(lab_home: Path) -> None:
    labs = catalog.definition_files()
    assert list(paths.ANSIBLE_DIR.glob("*.yml")) == []  # shared roles only, no playbooks at the top
    for folder in (paths.ANSIBLE_DIR / "labs").iterdir():
        assert folder.name in labs, f"ansible/labs/{folder.name}/ names no lab"
        baked = parts.image_playbook(catalog.load(folder.name))
        assert parts.playbooks(folder.name) == [folder / parts.PLAYBOOK] or baked == folder / "image.yml"
    assert parts.playbooks("mod-002") == []  # everything baked into its image: no instance playbook
    assert parts.playbooks("vmcycle") == []  # a lab without a playbook: Terraform only
    assert parts.folder("testlab") == REPO / "tests" / "labs" / "testlab"
    assert parts.terraform_module("docker") == paths.TERRAFORM_DIR / "docker"


def test_validate_does_not_import_the_backends() -> None:
    code = (
        "import sys; from provisioner.definitions.files import validate_paths; validate_paths([]); "
        "print([m for m in sys.modules if m.startswith('provisioner.backends')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_an_instance_made_before_the_layout_rule_goes_down(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its definition still names `provision.terraform` and `playbooks` (now unknown keys, so it
    does not load): down takes the backend from state and needs neither module nor playbook."""
    old = lab_home.parent / "old-labs" / "testlab"
    old.mkdir(parents=True)
    text = (REPO / "tests" / "labs" / "testlab" / "lab.yaml").read_text()
    (old / "lab.yaml").write_text(
        text.replace("provision:\n", "provision:\n  terraform: local\n  playbooks: [testlab.yml]\n")
    )
    monkeypatch.setenv("LAB_PATH", str(old.parent))
    ref = InstanceRef("testlab", "old")
    Store(ref).update(backend="local", status="ready", name="lab-testlab-old")
    sandbox = paths.lab_home() / "sandboxes" / "lab-testlab-old"  # what the local backend made
    sandbox.mkdir(parents=True)

    assert down("testlab", "old") is True
    assert not sandbox.exists() and not Store(ref).exists()
