"""The VM image: built from images/vm-base (cached by content hash in ~/.local/share/lab/vm-images),
then published into the shared `lab-images` pool under the storage root, where QEMU (user
libvirt-qemu) can read it: not under /root or a 0700 LAB_HOME."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provisioner.backends.common import images as docker_images
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.locks import flock
from provisioner.backends.common.runner import Runner
from provisioner.backends.vm.libvirt import IMAGES_POOL, ensure_pool, storage_root, virsh
from provisioner.core import deadlines, paths
from provisioner.core.errors import UsageError

IMAGE_FOLDER = "vm-base"
VARIANTS = ("base", "docker")
BAKE_SCRIPT = "bake"  # part of the hash of the lab images it makes (bake.py), not of the variants
VARIANT_VAR = "vm_image_variant"  # provision.vars key choosing the image variant
Progress = Callable[[str], None]


@dataclass(frozen=True)
class VmImage:
    variant: str
    hash: str
    root: Path  # published base qcow2 (its path is its volume key in the lab-images pool)
    kernel: Path
    initrd: Path

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items()}


def image_cache() -> Path:
    """Where built VM images are kept, shared by every state root of the user."""
    default = Path.home() / ".local" / "share" / "lab" / "vm-images"
    return Path(os.environ.get("LAB_VM_IMAGES", default))


def image_hash(variant: str) -> str:
    """Of the build script (and what it sources) and, for the docker variant, the Dockerfiles of the
    images it carries."""
    folder = paths.IMAGES_DIR / IMAGE_FOLDER
    digest = hashlib.sha256(f"{variant}\0".encode())
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = file.relative_to(folder)
        if (rel.parts[0] == "docker" and variant != "docker") or rel.name == BAKE_SCRIPT:
            continue
        digest.update(str(rel).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def variant_of(lab: Any) -> str:
    """The image variant a lab boots (provision.vars.vm_image_variant, default base)."""
    variant = str(lab.provision.vars.get(VARIANT_VAR, "base"))
    if variant not in VARIANTS:
        raise UsageError(f"{lab.id}: provision.vars.{VARIANT_VAR} is {variant!r}: use one of {', '.join(VARIANTS)}")
    return variant


def build_image(run: Runner, variant: str, progress: Progress) -> Path:
    """The cached build of a variant (built now if its content hash is new)."""
    out = image_cache() / f"{variant}-{image_hash(variant)}"
    if (out / "manifest.json").is_file():  # a build is renamed into place whole: no wait for the lock
        return out
    with flock(image_cache() / ".build.lock"):
        if (out / "manifest.json").is_file():
            return out
        if variant == "docker":
            engine_running(run)  # the image carries lab/debian:bookworm for the VM's own Docker
            docker_images.ensure_base(progress, run)
        progress(f"building the VM image {out.name} (debootstrap offline, a few minutes)")
        build = paths.IMAGES_DIR / IMAGE_FOLDER / "build"
        argv = ["bash", str(build), "--variant", variant, "--out", str(out)]
        run(argv, on_line=progress, on_stderr=progress, timeout=deadlines.IMAGE_BUILD.seconds())
    return out


def publish(run: Runner, built: Path, variant: str) -> VmImage:
    """Put the image where QEMU can read it, in the shared `lab-images` pool (idempotent)."""
    target = storage_root() / "images"
    stem = f"vm-{built.name}"
    files = {"root": "root.qcow2", "kernel": "vmlinuz", "initrd": "initrd.img"}
    suffix = {"root": ".qcow2", "kernel": ".vmlinuz", "initrd": ".initrd"}
    image = VmImage(variant, built.name.rsplit("-", 1)[1], *(target / f"{stem}{suffix[k]}" for k in files))
    with flock(storage_root() / ".publish.lock"):
        target.mkdir(parents=True, exist_ok=True)
        for path in (storage_root(), target):
            path.chmod(0o755)
        for key, name in files.items():
            _link_or_copy(built / name, getattr(image, key))
        ensure_pool(run, IMAGES_POOL, target)
        virsh(run, "pool-refresh", IMAGES_POOL)
    return image


def _link_or_copy(src: Path, dest: Path) -> None:
    if dest.exists():
        return
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)  # same filesystem: no copy of a GiB
    except OSError:
        shutil.copyfile(src, tmp)
    tmp.chmod(0o644)
    os.replace(tmp, dest)


def ensure_image(run: Runner, variant: str, progress: Progress) -> VmImage:
    """The variant built (if its content changed) and published."""
    return publish(run, build_image(run, variant, progress), variant)
