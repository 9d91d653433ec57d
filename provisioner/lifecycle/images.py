"""`lab images build`: every image the given labs need, each backend building its own."""

from __future__ import annotations

from provisioner import backends
from provisioner.backends.common.runner import Runner
from provisioner.core import proc
from provisioner.core.report import Reporter
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab

# Image builds `lab images build` makes without arguments: containers, not VM images (minutes each).
DEFAULT_BACKENDS = ("docker",)


def build_for_labs(lab_ids: list[str], report: Reporter, run: Runner = proc.run) -> dict[str, str]:
    """The images of the given labs (default: every lab on DEFAULT_BACKENDS), name -> tag or path."""
    ids = lab_ids or [s["id"] for s in catalog.summaries() if s["backend"] in DEFAULT_BACKENDS]
    by_backend: dict[str, list[Lab]] = {}
    for lab_id in ids:
        lab = catalog.load(lab_id)
        by_backend.setdefault(lab.sandbox.backend, []).append(lab)
    built: dict[str, str] = {}
    for name, labs in by_backend.items():
        report.step("images", f"{name}: {', '.join(lab.id for lab in labs)}")
        built |= backends.get(name, run).build_images(labs, report.info)
    return built
