"""`lab images build`, `push` and `pull`: every image the given labs need, each backend building its own."""

from __future__ import annotations

from provisioner import backends
from provisioner.backends.common import images, remote
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.core.errors import UsageError
from provisioner.core.report import Reporter
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab

# Image builds `lab images build` makes without arguments: containers, not VM images (minutes each).
DEFAULT_BACKENDS = ("docker",)


def selected(lab_ids: list[str]) -> list[Lab]:
    """The given labs; without any, every lab on DEFAULT_BACKENDS."""
    ids = lab_ids or [s["id"] for s in catalog.summaries() if s["backend"] in DEFAULT_BACKENDS]
    return [catalog.load(lab_id) for lab_id in ids]


def container_images(labs: list[Lab]) -> list[str]:
    """The images/ folders the labs' components run, each once, in order."""
    return list(dict.fromkeys(c.image for lab in labs for c in lab.sandbox.components if c.image))


def tag_or_none(name: str, run: Runner) -> str | None:
    """The image's current tag, or None for an optional component with no folder here."""
    try:
        return images.tag_for(name, run)
    except UsageError:
        return None


def build_for_labs(lab_ids: list[str], report: Reporter, run: Runner = proc.run) -> dict[str, str]:
    """The images of the given labs (default: every lab on DEFAULT_BACKENDS), name -> tag or path."""
    by_backend: dict[str, list[Lab]] = {}
    for lab in selected(lab_ids):
        by_backend.setdefault(lab.sandbox.backend, []).append(lab)
    built: dict[str, str] = {}
    for name, labs in by_backend.items():
        report.step("images", f"{name}: {', '.join(lab.id for lab in labs)}")
        built |= backends.get(name, run).build_images(labs, report.info)
    return built


def push_for_labs(lab_ids: list[str], where: str, report: Reporter, run: Runner = proc.run) -> dict[str, str]:
    """Build the images of the given labs (as `build_for_labs`), then push every container image
    and the base image they build on to the registry `where`; name -> the registry's reference.
    VM disk images are files, not container images: they stay on this machine."""
    local = {name: tag for name, tag in build_for_labs(lab_ids, report, run).items() if tag.startswith("lab/")}
    report.step("push", f"{len(local) + 1} images to {where}")
    pushed = {"debian": remote.push(images.BASE, where, report.info, run, remote_tag=images.base_remote_tag())}
    for name, tag in local.items():
        pushed[name] = remote.push(tag, where, report.info, run)
    return pushed


def pull_for_labs(lab_ids: list[str], report: Reporter, run: Runner = proc.run) -> dict[str, str]:
    """Pull the container images of the given labs (default: every docker lab) from the registry
    now, building nothing: for a laptop before a class with bad Wi-Fi. name -> its tag here, or
    what `up` will have to do instead."""
    if remote.registry() is None:
        raise UsageError(
            f"no registry to pull from: {remote.ENV} is not set", f"export {remote.ENV}=HOST:PORT[/prefix]"
        )
    names = container_images(selected(lab_ids))
    report.step("pull", f"{len(names)} images from {remote.registry()}")
    images.prefetch(names, report.info, run)
    if not images.exists(images.BASE, run):
        return dict.fromkeys(names, "not pulled: the base image is not in the registry (`up` builds it here)")
    tags = {name: tag_or_none(name, run) for name in names}
    return {
        name: tag if tag and images.exists(tag, run) else "not pulled: `up` builds it here"
        for name, tag in tags.items()
    }


def sources(lab_id: str, report: Reporter, run: Runner = proc.run) -> dict[str, str]:
    """Make the lab's container images ready once (pulled where a registry has them, else built),
    before a cohort's students start: name -> where each came from, for the capacity line."""
    names = container_images([catalog.load(lab_id)])
    if not names:
        return {}
    base_here = images.exists(images.BASE, run)
    here = {name for name in names if base_here and _present(name, run)}
    ready = build_for_labs([lab_id], report, run)
    return {name: _source(name in here, tag) for name, tag in ready.items()}


def _source(was_here: bool, tag: str) -> str:
    if was_here:
        return "here already"
    if tag in remote.pulled:
        return f"pulled from {remote.registry()}"
    return "built here" if tag.startswith("lab/") else tag  # else why it is unavailable


def _present(name: str, run: Runner) -> bool:
    tag = tag_or_none(name, run)
    return tag is not None and images.exists(tag, run)
