"""Where things live: the data folders (in the checkout, or inside an installed wheel) and the state root."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
# A wheel carries labs/, terraform/, ... inside the package as data/ (see setup.py); a checkout
# (editable install) has them beside the package. LAB_ROOT overrides both.
_BUNDLED = _PACKAGE / "data"
ROOT = Path(os.environ.get("LAB_ROOT") or (_BUNDLED if _BUNDLED.is_dir() else _PACKAGE.parent))
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
    return default_lab_home()


def default_lab_home() -> Path:
    """The state root a user has when LAB_HOME is not set."""
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "lab"


def provider_mirror() -> Path:
    """Filesystem mirror of Terraform providers built offline by scripts/build-provider-mirror."""
    default = Path.home() / ".local" / "share" / "lab" / "providers"
    return Path(os.environ.get("LAB_PROVIDER_MIRROR", default))
