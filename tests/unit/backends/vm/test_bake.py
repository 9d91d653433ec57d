"""A lab's own VM image: its image playbook baked into the variant, cached by what it reads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.vm import bake, images
from provisioner.backends.vm.backend import VmBackend
from provisioner.backends.vm.libvirt import URI
from provisioner.core import paths
from provisioner.core.proc import Result
from provisioner.definitions import parts
from provisioner.definitions.model import Lab
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun
from tests.unit.backends.vm.conftest import LAB

BAKED = LAB | {"provision": {"image_playbook": "image.yml", "vars": {"vm_image_variant": "base"}}}


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The lab's folder (a seed file, a solution) and its playbook folder, in tmp_path."""
    monkeypatch.setattr(paths, "ANSIBLE_DIR", tmp_path / "ansible")
    monkeypatch.setattr(parts, "folder", lambda lab_id: tmp_path / "labs" / lab_id)
    monkeypatch.setenv("LAB_VM_IMAGES", str(tmp_path / "cache"))
    for file, text in {
        "ansible/labs/vmunit/image.yml": "- hosts: web\n",
        "labs/vmunit/lab.yaml": "id: vmunit\n",
        "labs/vmunit/seed/tool": "#!/bin/sh\n",
        "labs/vmunit/solutions/one.yml": "- hosts: web\n",
    }.items():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text(text)
    return tmp_path


def test_the_hash_covers_what_the_playbook_reads_and_nothing_per_exercise(folders: Path) -> None:
    lab = Lab.model_validate(BAKED)
    first = bake.lab_image_hash(lab, "aaaa")
    assert bake.lab_image_hash(lab, "aaaa") == first and len(first) == 12
    assert bake.lab_image_hash(lab, "bbbb") != first  # a new variant
    (folders / "labs/vmunit/solutions/one.yml").write_text("- hosts: db\n")
    (folders / "labs/vmunit/lab.yaml").write_text("id: vmunit\ntitle: changed\n")
    assert bake.lab_image_hash(lab, "aaaa") == first  # solutions and exercises are per instance
    for file in ("labs/vmunit/seed/tool", "ansible/labs/vmunit/image.yml"):
        before = bake.lab_image_hash(lab, "aaaa")
        (folders / file).write_text((folders / file).read_text() + "# changed\n")
        assert bake.lab_image_hash(lab, "aaaa") != before, file
    other_vars = Lab.model_validate(BAKED | {"provision": BAKED["provision"] | {"vars": {"release": "2"}}})
    assert bake.lab_image_hash(other_vars, "aaaa") != bake.lab_image_hash(lab, "aaaa")


class Baker(FakeRun):
    """A FakeRun whose bake script leaves the files a bake leaves; no lab-images pool yet."""

    def __init__(self) -> None:
        super().__init__({("virsh", "-q", "-c", URI, "pool-dumpxml"): (1, "")})
        self.env: dict[str, str] = {}

    def __call__(self, argv: Any, **options: Any) -> Result:
        result = super().__call__(argv, **options)
        if str(argv[1]).endswith("/bake"):
            self.env = options["env"]
            out = Path(argv[argv.index("--out") + 1])
            out.mkdir(parents=True)
            for name in ("root.qcow2", "vmlinuz", "initrd.img", "manifest.json"):
                (out / name).write_text(name)
        return result


def test_a_lab_with_an_image_playbook_boots_its_own_image_baked_once(
    folders: Path, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    variant = folders / "cache" / "base-0123456789ab"
    monkeypatch.setattr(bake, "build_image", lambda run, name, progress: variant)
    lab, run, lines = Lab.model_validate(BAKED), Baker(), []
    image = bake.ensure_lab_image(run, lab, lines.append)
    name = f"base-vmunit-{bake.lab_image_hash(lab, '0123456789ab')}"
    argv = next(a for a in run.calls if a[1].endswith("bake"))
    assert argv == [
        *["bash", str(paths.IMAGES_DIR / "vm-base" / "bake"), "--from", str(variant)],
        *[
            "--playbook",
            str(folders / "ansible/labs/vmunit/image.yml"),
            "--vars",
            str(folders / "cache" / f".{name}.vars.json"),
        ],
        *["--group", "web", "--group", "db", "--out", str(folders / "cache" / name)],
    ]
    assert run.env["ANSIBLE_CONFIG"] == str(paths.ANSIBLE_DIR / "ansible.cfg")
    assert Path(run.env["ANSIBLE_PLAYBOOK"]).name == "ansible-playbook"
    assert image.root == storage / "images" / f"vm-{name}.qcow2" and image.root.read_text() == "root.qcow2"
    assert not list((folders / "cache").glob(".*.vars.json"))  # the variables file is gone
    assert any("baking image.yml into the VM image" in line for line in lines)
    calls = len(run.calls)
    bake.ensure_lab_image(run, lab, lines.append)
    assert not any(a[1].endswith("bake") for a in run.calls[calls:])  # cached by its hash


def test_a_lab_without_one_boots_the_variant(folders: Path, storage: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    variant = folders / "cache" / "base-0123456789ab"
    variant.mkdir(parents=True)
    for name in ("root.qcow2", "vmlinuz", "initrd.img"):
        (variant / name).write_text(name)
    monkeypatch.setattr(bake, "build_image", lambda run, name, progress: variant)
    run = Baker()
    image = bake.ensure_lab_image(run, Lab.model_validate(LAB), print)
    assert image.root == storage / "images" / "vm-base-0123456789ab.qcow2"
    assert not any(a[1].endswith("bake") for a in run.calls)


def test_the_image_playbook_gets_what_every_instance_shares_only(folders: Path) -> None:
    assert bake.image_vars(Lab.model_validate(BAKED)) == {
        "lab_id": "vmunit",
        "lab_dir": str(folders / "labs" / "vmunit"),
        "lab_vars": {"vm_image_variant": "base"},
    }


def test_up_says_there_is_nothing_to_configure_without_an_instance_playbook(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    monkeypatch.setattr(ctx.report, "info", lines.append)
    VmBackend(FakeRun()).configure(ctx)  # no ansible/labs/vmunit/site.yml: no playbook runs
    assert lines == ["nothing to configure per instance: no ansible/labs/vmunit/site.yml"]


def test_the_bake_script_is_part_of_the_lab_images_hash_not_the_variants(
    folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing how labs bake must not rebuild every variant (minutes each)."""
    shutil.copytree(paths.IMAGES_DIR / "vm-base", folders / "images" / "vm-base")
    monkeypatch.setattr(paths, "IMAGES_DIR", folders / "images")
    lab = Lab.model_validate(BAKED)
    variant, baked = images.image_hash("base"), bake.lab_image_hash(lab, "aaaa")
    script = folders / "images" / "vm-base" / "bake"
    script.write_text(script.read_text() + "# changed\n")
    assert images.image_hash("base") == variant and bake.lab_image_hash(lab, "aaaa") != baked
    (folders / "images" / "vm-base" / "lib.sh").write_text("# changed\n")
    assert images.image_hash("base") != variant  # the build sources it too
