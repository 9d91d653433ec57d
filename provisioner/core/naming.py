"""Names of what an instance makes (containers, networks, VMs, pools): they carry the owner, so
two people on one class server, or two state roots of one person, can each run the same lab."""

from __future__ import annotations

import getpass
import hashlib
import os
import re

from provisioner.core import paths


def owner() -> str:
    """The user's name; plus a short hash of the state root when it is not the user's default one
    (a second LAB_HOME of the same user must not collide with the first)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container run with a bare uid
        user = f"u{os.getuid()}"
    user = re.sub(r"[^a-z0-9]+", "", user.lower())[:16] or f"u{os.getuid()}"
    home = paths.lab_home().resolve()
    if home == paths.default_lab_home().resolve():
        return user
    return f"{user}-{hashlib.sha256(str(home).encode()).hexdigest()[:6]}"


def resource_name(lab: str, instance: str) -> str:
    """Prefix of a new instance's resource names; the instance records it at its first `up`."""
    return f"lab-{owner()}-{lab}-{instance}"


def legacy_name(lab: str, instance: str) -> str:
    """How instances made before names carried their owner were named; they keep that name."""
    return f"lab-{lab}-{instance}"
