"""A lab's own VM image: its variant plus its image playbook (provision.image_playbook), applied in
a chroot by images/vm-base/bake at `lab images build` time, then cached by content hash and
published like the variant. What every instance shares is made once instead of over SSH in each
new VM (minutes under software emulation); only what differs per instance is left to `up`."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from provisioner.backends.common import ansible
from provisioner.backends.common.locks import flock
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.images import (
    BAKE_SCRIPT,
    IMAGE_FOLDER,
    Progress,
    VmImage,
    build_image,
    image_cache,
    publish,
    variant_of,
)
from provisioner.core import deadlines, paths
from provisioner.core.state import write_private
from provisioner.definitions import parts

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab


def lab_image_hash(lab: Lab, variant_hash: str) -> str:
    """Of the variant, the bake script, Ansible's version, the lab's provision section (its image
    playbook's name and `lab_vars`) and every file the playbook can read: the lab's playbook
    folder, the shared roles and the lab folder but for lab.yaml (its provision section is hashed
    above) and the solutions (applied to instances, never to the image)."""
    digest = hashlib.sha256(f"{variant_hash}\0{lab.id}\0{version('ansible-core')}\0".encode())
    digest.update(json.dumps(lab.provision.model_dump(mode="json"), sort_keys=True).encode())
    digest.update((paths.IMAGES_DIR / IMAGE_FOLDER / BAKE_SCRIPT).read_bytes())
    folders = {"playbooks": parts.playbook_folder(lab.id), "roles": paths.ANSIBLE_DIR / "roles"}
    folders["lab"] = parts.folder(lab.id)
    for name, folder in folders.items():
        for file in _files(folder, skip={"lab.yaml", "solutions"} if name == "lab" else set()):
            digest.update(f"{name}/{file.relative_to(folder)}\0".encode() + file.read_bytes())
    return digest.hexdigest()[:12]


def _files(folder: Path, skip: set[str]) -> list[Path]:
    found = (p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else iter(())
    return sorted(p for p in found if p.relative_to(folder).parts[0] not in skip)


def ensure_lab_image(run: Runner, lab: Lab, progress: Progress) -> VmImage:
    """The image a lab's VMs boot: its variant, with its image playbook baked in if it has one."""
    variant = variant_of(lab)
    built = build_image(run, variant, progress)
    if book := parts.image_playbook(lab):
        built = bake(run, lab, book, built, progress)
    return publish(run, built, variant)


def bake(run: Runner, lab: Lab, book: Path, variant_dir: Path, progress: Progress) -> Path:
    """The cached bake of the lab's image playbook `book` into the variant built in `variant_dir`."""
    variant, variant_hash = variant_dir.name.rsplit("-", 1)
    out = image_cache() / f"{variant}-{lab.id}-{lab_image_hash(lab, variant_hash)}"
    if (out / "manifest.json").is_file():  # made whole, then renamed into place: no wait for the lock
        return out
    with flock(image_cache() / ".build.lock"):
        if (out / "manifest.json").is_file():
            return out
        progress(f"baking {book.name} into the VM image {out.name} (in a chroot: no VM boots)")
        extravars = image_cache() / f".{out.name}.vars.json"
        write_private(extravars, json.dumps(image_vars(lab)))
        try:
            run(
                bake_argv(lab, book, variant_dir, extravars, out),
                env=ansible_env(),
                on_line=progress,
                on_stderr=progress,
                timeout=deadlines.IMAGE_BUILD.seconds(),
            )
        finally:
            extravars.unlink(missing_ok=True)
    return out


def image_vars(lab: Lab) -> dict[str, object]:
    """What an image playbook may read: what every instance of the lab shares (`lab validate`
    refuses a playbook that reads an instance's own variables)."""
    return {"lab_id": lab.id, "lab_dir": str(parts.folder(lab.id)), "lab_vars": dict(lab.provision.vars)}


def bake_argv(lab: Lab, book: Path, variant_dir: Path, extravars: Path, out: Path) -> list[str]:
    script = paths.IMAGES_DIR / IMAGE_FOLDER / BAKE_SCRIPT
    groups = [arg for c in lab.sandbox.components for arg in ("--group", c.name)]
    argv = ["bash", str(script), "--from", str(variant_dir), "--playbook", str(book.resolve())]
    return [*argv, "--vars", str(extravars), *groups, "--out", str(out)]


def ansible_env() -> dict[str, str]:
    """ansible-playbook beside this Python, with the settings every lab playbook runs with."""
    playbook = Path(sys.executable).parent / "ansible-playbook"
    return dict(os.environ) | ansible.settings(dict(os.environ)) | {"ANSIBLE_PLAYBOOK": str(playbook)}
