"""`lab doctor`: is this machine ready? Each finding carries the fix; --fix applies the safe ones.
The tools every lab needs are checked here, each backend's engines by the backend itself."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from provisioner import backends
from provisioner.backends.common.findings import Finding, finding
from provisioner.backends.common.runner import Runner
from provisioner.backends.common.terraform import MIRROR_URL_ENV, find_binary
from provisioner.core import paths, proc
from provisioner.core.errors import LabError


def python() -> Finding:
    """This Python is new enough."""
    ok = sys.version_info >= (3, 11)
    return finding("python", ok, f"{platform.python_version()} at {sys.executable}", "use Python 3.11 or newer")


def terraform_binary(run: Runner) -> Finding:
    """Terraform (or OpenTofu) is found, with its version."""
    try:
        binary = find_binary()
    except LabError as exc:
        return finding("terraform", False, exc.message, exc.fix or "")
    version = run([binary, "version"], check=False, timeout=15).stdout.splitlines()[:1]
    return finding("terraform", True, f"{binary} ({version[0] if version else '?'})")


def providers() -> Finding:
    """The provider network mirror named, else the offline provider mirror, if any (optional)."""
    if url := os.environ.get(MIRROR_URL_ENV):
        return finding("providers", True, f"network mirror {url}")
    mirror = paths.provider_mirror()
    found = sorted(
        str(p.relative_to(mirror).parent.parent) for p in mirror.glob("*/*/*/*/linux_amd64/terraform-provider-*")
    )
    if found:
        return finding("providers", True, f"mirror {mirror}: {', '.join(found)}")
    return finding(
        "providers",
        False,
        f"no provider mirror at {mirror} (the Terraform registry will be used)",
        "offline: bash scripts/build-provider-mirror",
        optional=True,
    )


def ansible() -> Finding:
    """ansible-playbook is installed beside this Python."""
    binary = Path(sys.executable).parent / "ansible-playbook"
    if binary.exists():
        return finding("ansible", True, str(binary))
    return finding("ansible", False, "ansible-playbook not beside this Python", "pip install -e . (installs ansible)")


def diagnose(fix: bool = False, run: Runner = proc.run) -> list[Finding]:
    """The common tools, then each backend's own findings in registry order."""
    rows = [python(), terraform_binary(run), providers(), ansible()]
    for backend in backends.every(run):
        rows += backend.doctor(fix)
    return rows
