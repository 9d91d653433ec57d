"""Where things live: the repository's data folders and the per-user state root."""

from __future__ import annotations

import os
from pathlib import Path

# The package sits at the repository root (editable install), beside labs/, terraform/, ...
ROOT = Path(os.environ.get("LAB_ROOT", Path(__file__).resolve().parents[2]))
LABS_DIR = ROOT / "labs"
TERRAFORM_DIR = ROOT / "terraform"
ANSIBLE_DIR = ROOT / "ansible"
TEMPLATES_DIR = ROOT / "templates"
IMAGES_DIR = ROOT / "images"
SCRIPTS_DIR = ROOT / "scripts"
SCHEMA_FILE = ROOT / "schema" / "lab.schema.json"


def lab_home() -> Path:
    """State root: LAB_HOME, else $XDG_STATE_HOME/lab, else ~/.local/state/lab."""
    if home := os.environ.get("LAB_HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "lab"


def provider_mirror() -> Path:
    """Filesystem mirror of Terraform providers built offline by scripts/build-provider-mirror."""
    default = Path.home() / ".local" / "share" / "lab" / "providers"
    return Path(os.environ.get("LAB_PROVIDER_MIRROR", default))
