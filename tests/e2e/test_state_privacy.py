"""Generated secrets live in secrets.json and Terraform's state only, and every file is private."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.helpers import lab

pytestmark = [pytest.mark.e2e, pytest.mark.docker]
# Terraform's state and its variables hold the containers' environment (the database password
# among it): `down` needs both after a crash, without the definition. They stay, 0600.
MAY_HOLD_SECRETS = {"secrets.json", "terraform.tfstate", "terraform.tfstate.backup", "terraform.tfvars.json"}


def test_secrets_only_where_they_must_be_and_all_files_private(lab_home: Path) -> None:
    lab("up", "dockerlab", "-i", "p")
    lab("verify", "dockerlab", "-i", "p")
    folder = lab_home / "instances/dockerlab/p"
    values = [v for v in json.loads((folder / "secrets.json").read_text()).values() if len(v) >= 8]
    assert values
    holding = sorted(
        str(f.relative_to(folder))
        for f in folder.rglob("*")
        if f.is_file() and not f.is_symlink() and any(v.encode() in f.read_bytes() for v in values)
    )
    assert {Path(h).name for h in holding} <= MAY_HOLD_SECRETS, holding
    loose = [
        f"{p.relative_to(folder)} {stat.filemode(p.stat().st_mode)}"
        for p in [folder, *folder.rglob("*")]
        if not p.is_symlink() and ".terraform" not in p.parts and p.stat().st_mode & 0o077
    ]
    assert loose == []
    lab("down", "dockerlab", "-i", "p")
