"""mod-002 bakes its whole starting state into its own VM image (provision.image_playbook): real
debootstrap'd variant, the playbook applied in a chroot by images/vm-base/bake, real libvirt.

Slow: the variant's build takes minutes when images/vm-base changed, and the VM boots under TCG
here. `up` has no Ansible pass: its readiness checks pass on what the image already holds, and
`lab reset` brings them back after the learner broke sshd."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import lab, require_libvirt, resource, state_leftovers
from tests.helpers import vm_leftovers as libvirt_leftovers

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _needs_libvirt() -> None:
    require_libvirt()


def test_mod002_is_ready_from_its_baked_image_with_no_configure_pass(lab_home: Path) -> None:
    built = lab("images", "build", "mod-002")
    assert "vm-lab:mod-002" in built.stdout, built.stdout
    again = lab("images", "build", "mod-002")  # cached by content hash: no second bake
    assert "baking image.yml" not in again.stdout + again.stderr

    up = lab("up", "mod-002")  # returns once the readiness checks (mlsvc, models, scripts) pass
    shown = up.stdout + up.stderr
    assert "nothing to configure per instance" in shown and "task:" not in shown, shown
    state = json.loads((lab_home / "instances" / "mod-002" / "default" / "state.json").read_text())
    assert Path(state["vm_image"]["root"]).name.startswith("vm-base-mod-002-"), state["vm_image"]
    assert not (lab_home / "instances" / "mod-002" / "default" / "ansible").exists()  # no playbook ran
    lab("verify", "mod-002")

    # Exercises start from the baked state: one fails before its solution and passes after.
    assert lab("check", "mod-002", "cron-cleanup", check=False).returncode == 1
    lab("solve", "mod-002", "cron-cleanup")
    lab("check", "mod-002", "cron-cleanup")

    # The learner breaks sshd; `lab reset` brings back the VM `up` made: SSH, the readiness checks,
    # and the exercise's starting state (its solution undone).
    lab(
        "shell",
        "mod-002",
        "--",
        "sh",
        "-c",
        "echo Port 2222 | sudo tee -a /etc/ssh/sshd_config && sudo systemctl restart ssh",
    )
    assert lab("shell", "mod-002", "--", "true", check=False).returncode != 0  # nothing listens on 22 any more
    lab("reset", "mod-002")
    lab("verify", "mod-002")
    assert lab("check", "mod-002", "cron-cleanup", check=False).returncode == 1

    slug = resource("mod-002", "default")
    lab("down", "mod-002")
    assert libvirt_leftovers(slug) == []
    assert state_leftovers(lab_home) == []
