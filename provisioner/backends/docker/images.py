"""The docker backend's images: every lab's, built before `up` (or by `lab images build`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from provisioner.backends.common import images
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.runner import Runner
from provisioner.core.errors import LabError
from provisioner.core.parallel import in_order
from provisioner.lifecycle.steps import Context, Produced

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab
    from provisioner.definitions.sandbox import AnyComponent


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
    components = [c for c in ctx.require_lab().sandbox.components if c.image]
    images.prefetch([str(c.image) for c in components], ctx.report.info, run)
    # Side by side: each is a content hash and a `docker image inspect`; builds take turns (a lock).
    found = dict(
        zip([c.name for c in components], in_order(lambda c: _ensure(run, ctx, c), components, 4), strict=True)
    )
    return {
        "images": {name: tag for name, (tag, _) in found.items() if tag},
        "unavailable": {name: why for name, (_, why) in found.items() if why},
    }


def _ensure(run: Runner, ctx: Context, component: AnyComponent) -> tuple[str | None, str | None]:
    """(tag, None), or for an optional component that cannot be had (None, why)."""
    try:
        return images.ensure(str(component.image), ctx.report.info, run), None
    except LabError as exc:
        if not component.optional:
            raise
        why = f"{exc.message} (optional: the sandbox runs without it)"
        ctx.report.info(f"optional component {component.name} is unavailable: {why}")
        return None, why
