"""Lab images: a Debian base, then one image per folder under images/, tagged by content hash.

Every function takes the command runner (`run`); the backends pass their own, unit tests a fake."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from provisioner import TOOL, __version__
from provisioner.backends.common import remote
from provisioner.backends.common.locks import flock
from provisioner.backends.common.runner import Runner
from provisioner.core import deadlines, paths, proc
from provisioner.core.errors import CommandError, UsageError
from provisioner.core.parallel import in_order

BASE = "lab/debian:bookworm"
BUILD_TAIL = 25  # lines of a failing step's output shown: pip's or apt's error and its context
Progress = Callable[[str], None]


def exists(tag: str, run: Runner = proc.run) -> bool:
    """An image with this tag is on the engine."""
    return _id_or_none(tag, run) is not None


def _id_or_none(tag: str, run: Runner) -> str | None:
    found = run(["docker", "image", "inspect", "--format", "{{.Id}}", tag], check=False, timeout=30)
    return found.stdout.strip() if found.returncode == 0 else None


def base_id(run: Runner = proc.run) -> str:
    """The id of the base image every lab image builds on."""
    return run(["docker", "image", "inspect", "--format", "{{.Id}}", BASE], timeout=30).stdout.strip()


def content_hash(folder: Path, base: str) -> str:
    """Every file of the build context, and the base image it builds on."""
    digest = hashlib.sha256(base.encode())
    # pip byte-compiles the .py files an installed wheel carries: __pycache__ must not change the tag.
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(folder)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def base_remote_tag() -> str:
    """The base image's name in a registry: the hash of its build definition, since its id differs
    from one debootstrap to the next and every lab image's tag hashes that id."""
    return f"lab/debian:{content_hash(paths.IMAGES_DIR / 'base', 'debian')}"


def ensure_base(progress: Progress, run: Runner = proc.run) -> None:
    """Pull the Debian base image from the registry, or build it, unless it exists."""
    if not exists(BASE, run) and not remote.pull(BASE, progress, run, remote_tag=base_remote_tag()):
        progress(f"building the base image {BASE} (debootstrap offline, or the official image online)")
        argv = ["bash", str(paths.IMAGES_DIR / "base" / "build")]
        run(argv, on_line=progress, on_stderr=progress, timeout=deadlines.IMAGE_BUILD.seconds())


def tag_for(name: str, run: Runner = proc.run, base: str | None = None) -> str:
    """lab/<name>:<hash of its folder and of the base image (whose id `base` is, if known)>."""
    folder = paths.IMAGES_DIR / name
    # A folder is an image by its Dockerfile, or by a build script of its own (the kind node image).
    if not ((folder / "Dockerfile").is_file() or (folder / "build").is_file()):
        raise UsageError(f"no image {name!r}: images/{name}/Dockerfile does not exist")
    return f"lab/{name}:{content_hash(folder, base or base_id(run))}"


def prefetch(names: list[str], progress: Progress, run: Runner = proc.run) -> None:
    """With a registry set, pull the missing ones of these images side by side: a pull is mostly
    decompressing layers, one core each, so this is what makes pulling beat building. What the
    registry lacks is then built by `ensure`, one at a time."""
    if remote.registry() is None:
        return
    if not exists(BASE, run):  # the lock only when there is work: a long build may hold it
        with build_lock():
            ensure_base(progress, run)
    tags = []
    for name in dict.fromkeys(names):
        with contextlib.suppress(UsageError):  # no folder (an optional component): `ensure` says so
            tags.append(tag_for(name, run))
    missing = [tag for tag in tags if not exists(tag, run)]
    in_order(lambda tag: remote.pull(tag, progress, run), missing, 4)


def build_lock() -> contextlib.AbstractContextManager[None]:
    """One build at a time on this machine, whatever the LAB_HOME: parallel smoke runs and cohorts
    would otherwise build the same tag twice, and two builds on a laptop only slow each other."""
    return flock(Path(tempfile.gettempdir()) / "lab-image-build.lock")


def ensure(name: str, progress: Progress, run: Runner = proc.run) -> str:
    """Build images/<name> unless an image with the same content hash exists; returns its tag."""
    base = _id_or_none(BASE, run)
    if base is not None and exists(tag := tag_for(name, run, base), run):
        return tag
    with build_lock():
        ensure_base(progress, run)
        tag = tag_for(name, run)
        # built by another process while we waited, or built once and pulled from the registry
        if exists(tag, run) or remote.pull(tag, progress, run):
            return tag
        _build(name, tag, progress, run)
    return tag


def _build(name: str, tag: str, progress: Progress, run: Runner) -> None:
    progress(f"building {tag}")
    # What a registry's copy is: the tool version that built it, and the base it was built on.
    labels = [f"--label=org.lab.tool={TOOL}", f"--label=org.lab.version={__version__}", f"--label=org.lab.image={name}"]
    labels.append(f"--label=org.lab.base={base_id(run)}")
    step_output: collections.deque[str] = collections.deque(maxlen=BUILD_TAIL)
    try:
        run(
            ["docker", "build", "--pull=false", "--force-rm", "-t", tag, *labels, str(paths.IMAGES_DIR / name)],
            env=_build_env(),
            on_line=lambda line: _build_line(line, progress, step_output),
            on_stderr=progress,
            timeout=deadlines.IMAGE_BUILD.seconds(),
        )
    except CommandError:
        # The classic builder writes a failing step's own words to stdout and only "returned a
        # non-zero code" to stderr: without these lines the error would not say what went wrong.
        for line in step_output:
            progress(f"  | {line}")
        raise


def _build_env() -> dict[str, str]:
    # Docker 20.10 from Debian has no BuildKit plugin; the classic builder is what works everywhere.
    return os.environ | {"DOCKER_BUILDKIT": "0"}


def _build_line(line: str, progress: Progress, step_output: collections.deque[str]) -> None:
    if line.startswith("Step ") or line.startswith("Successfully"):
        progress(line.strip())
        step_output.clear()
    elif line.strip():
        step_output.append(line.rstrip())


def stale(run: Runner) -> list[str]:
    """lab/<name>:<hash> images whose hash no longer matches images/<name>/ (superseded builds)."""
    argv = ["docker", "images", "--filter", "label=org.lab.image", "--format", "{{.Repository}}:{{.Tag}}"]
    current: dict[str, str] = {}
    found = []
    for ref in run(argv, timeout=60).stdout.split():
        name = ref.split("/", 1)[-1].split(":", 1)[0]
        if name not in current:
            try:
                current[name] = tag_for(name, run)
            except Exception:  # the folder is gone: every build of it is stale
                current[name] = ""
        if ref != current[name]:
            found.append(ref)
    return found


def remove(run: Runner, refs: list[str]) -> None:
    """Remove these images (ones still in use stay)."""
    if refs:
        run(["docker", "rmi", *refs], check=False, timeout=300)
