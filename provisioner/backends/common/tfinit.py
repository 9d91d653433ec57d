"""Terraform working directories initialised once per module, then linked.

`terraform init` costs a fifth of a second of every `up` (more under load), yet what it makes
depends only on the module's files, the CLI configuration (where providers come from) and the
binary: every instance of a backend gets the same `.terraform` folder and lock file. The first
init of a module is kept under the state root (hard links, no bytes copied) and later
instances are linked from that copy, which is written once and never changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from provisioner.backends.common.terraform import Terraform, link_or_copy
from provisioner.core import paths
from provisioner.core.state import instances_root, write_private

LOCK = ".terraform.lock.hcl"
MADE_FOR = "lab-init-key"  # in .terraform: the key of the module files it was made for
UNUSED_AFTER_S = 86400  # a kept init nothing linked for this long is what `lab gc` offers to remove


def ensure(workdir: Path, tf: Terraform) -> None:
    """Initialise unless an init of these same module files completed (it writes the lock file
    last). A process killed mid-init leaves a partial .terraform whose provider links make the
    next init fail with 'file exists', and a module changed since (a child module added) needs
    its own, so any other .terraform is removed first."""
    wanted = key(workdir, tf)
    if complete(workdir) and _made_for(workdir) == wanted:
        return
    shutil.rmtree(workdir / ".terraform", ignore_errors=True)
    kept = _kept_root() / wanted
    if complete(kept):
        os.utime(kept)  # last used now: `lab gc` keeps it
        shutil.copytree(kept / ".terraform", workdir / ".terraform", copy_function=link_or_copy, symlinks=True)
        write_private(workdir / LOCK, (kept / LOCK).read_text())  # last: it marks the init complete
        return
    tf.init()
    write_private(workdir / ".terraform" / MADE_FOR, wanted)
    keep(workdir, kept)


def _kept_root() -> Path:
    return paths.lab_home() / "terraform-init"


def unused(now: float | None = None) -> list[Path]:
    """Kept inits (and staging folders a crash left) that no instance of this state root links
    and nothing linked for a day: those of a module an upgrade of lab has changed since. Each
    holds its own copy of the providers, tens of megabytes."""
    root, cutoff = _kept_root(), (now or time.time()) - UNUSED_AFTER_S
    if not root.is_dir():
        return []
    linked = {_made_for(made.parent.parent) for made in instances_root().glob(f"*/*/terraform/.terraform/{MADE_FOR}")}
    return [p for p in sorted(root.iterdir()) if p.name not in linked and p.stat().st_mtime < cutoff]


def remove(kept: list[Path]) -> None:
    for folder in kept:
        shutil.rmtree(folder, ignore_errors=True)


def complete(folder: Path) -> bool:
    return (folder / LOCK).exists() and (folder / ".terraform").is_dir()


def _made_for(workdir: Path) -> str | None:
    try:
        return (workdir / ".terraform" / MADE_FOR).read_text()
    except OSError:
        return None  # an init by an earlier version of lab: made again once


def key(workdir: Path, tf: Terraform) -> str:
    """What an init's result depends on: the module, where providers come from, the binary."""
    digest = hashlib.sha256(tf.config_text().encode())
    digest.update(_stat(Path(tf.binary)))
    for file in sorted(f for f in workdir.rglob("*.tf") if ".terraform" not in f.parts):  # child modules too
        digest.update(str(file.relative_to(workdir)).encode() + b"\0" + file.read_bytes())
    mirror = paths.provider_mirror()
    for file in sorted(mirror.rglob("*")) if mirror.is_dir() else []:
        digest.update(str(file).encode() + _stat(file))  # a provider rebuilt in place
    return digest.hexdigest()[:20]


def _stat(path: Path) -> bytes:
    try:
        st = path.stat()
    except OSError:
        return b"-"
    return f"{st.st_size}:{st.st_mtime_ns}".encode()


def keep(workdir: Path, kept: Path) -> None:
    """A copy of a completed init, moved into place whole: two instances keeping the same
    module at once leave one copy, and a crash leaves only a staging folder."""
    if not complete(workdir):
        return  # an init that made no lock file (a module without providers): nothing to share
    staging = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    shutil.copytree(workdir / ".terraform", staging / ".terraform", copy_function=link_or_copy, symlinks=True)
    write_private(staging / LOCK, (workdir / LOCK).read_text())
    try:
        staging.rename(kept)
    except OSError:  # another instance kept it first
        shutil.rmtree(staging, ignore_errors=True)
