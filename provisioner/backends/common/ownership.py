"""Which state root (LAB_HOME) made a resource: gc and sweep never touch another one's sandboxes."""

from __future__ import annotations

import hashlib

from provisioner.core import paths


def home_id() -> str:
    """A short, stable id of this state root, written on every resource a backend labels."""
    return hashlib.sha256(str(paths.lab_home().resolve()).encode()).hexdigest()[:12]
