"""`lab images build`: every image the given labs need, with progress."""

from __future__ import annotations

from . import catalog, images
from .errors import UsageError
from .report import Reporter


def build_for_labs(lab_ids: list[str], report: Reporter) -> dict[str, str]:
    from .backends.docker import engine_running

    engine_running()
    ids = lab_ids or [s["id"] for s in catalog.summaries() if s["backend"] == "docker"]
    names: list[str] = []
    for lab_id in ids:
        lab = catalog.load(lab_id)
        if lab.sandbox.backend != "docker":
            raise UsageError(f"{lab_id} runs on the {lab.sandbox.backend} backend: it has no container images")
        names += [c.image for c in lab.sandbox.components if c.image and c.image not in names]
    built = {}
    for name in names:
        report.step("image", name)
        built[name] = images.ensure(name, report.info)
    return built
