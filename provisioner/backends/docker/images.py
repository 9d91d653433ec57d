"""The docker backend's images: every lab's, built before `up` (or by `lab images build`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from provisioner.backends.common import images
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.runner import Runner
from provisioner.core.errors import LabError
from provisioner.lifecycle.steps import Context, Produced

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab


def build_for_labs(run: Runner, labs: list[Lab], progress: Callable[[str], None]) -> dict[str, str]:
    """Each image once; an optional component's image that fails is reported, never fatal."""
    names = list(dict.fromkeys(c.image for lab in labs for c in lab.sandbox.components if c.image))
    required = {c.image for lab in labs for c in lab.sandbox.components if c.image and not c.optional}
    if names:
        engine_running(run)
    images.prefetch(names, progress, run)
    built = {}
    for name in names:
        progress(f"image {name}")
        try:
            built[name] = images.ensure(name, progress, run)
        except LabError as exc:  # an optional component's image (e.g. Grafana offline): `up` leaves it out
            if name in required:
                raise
            built[name] = f"unavailable (optional): {exc.message}"
    return built


def ensure_for_instance(run: Runner, ctx: Context) -> Produced:
    """The `images` step. An optional component whose image has no Dockerfile here, or fails to
    build (e.g. it needs an upstream download), is left out with the reason in state["unavailable"]."""
    tags, unavailable = {}, {}
    images.prefetch([c.image for c in ctx.require_lab().sandbox.components if c.image], ctx.report.info, run)
    for c in ctx.require_lab().sandbox.components:
        if not c.image:
            continue
        try:
            tags[c.name] = images.ensure(c.image, ctx.report.info, run)
        except LabError as exc:
            if not c.optional:
                raise
            unavailable[c.name] = f"{exc.message} (optional: the sandbox runs without it)"
            ctx.report.info(f"optional component {c.name} is unavailable: {unavailable[c.name]}")
    return {"images": tags, "unavailable": unavailable}
