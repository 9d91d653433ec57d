"""Render a Terraform module into an instance's working directory (Jinja2, StrictUndefined)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from provisioner.core import paths
from provisioner.core.state import write_private

if TYPE_CHECKING:
    from provisioner.lifecycle.steps import Context


def render_module(module: Path, workdir: Path, ctx: Context) -> None:
    """Copy *.tf files and render *.tf.j2 ones; the result stays in state so `down` never
    depends on the definition or the module as they are later."""
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(module), str(paths.TEMPLATES_DIR)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - HCL, not HTML
    )
    wanted = set()
    for src in sorted(module.iterdir()):
        if src.suffix == ".tf":
            write_private(workdir / src.name, src.read_text())
            wanted.add(src.name)
        elif src.name.endswith(".tf.j2"):
            name = src.name.removesuffix(".j2")
            write_private(workdir / name, env.get_template(src.name).render(lab=ctx.lab, ref=ctx.ref))
            wanted.add(name)
    for stale in workdir.glob("*.tf"):
        if stale.name not in wanted:
            stale.unlink()
    for child in (d for d in sorted(module.iterdir()) if d.is_dir()):
        _copy_child(child, workdir / child.name)


def _copy_child(child: Path, dest: Path) -> None:
    """A child module (`source = "./NAME"`) goes along, its *.tf files as they are."""
    dest.mkdir(exist_ok=True, mode=0o700)
    for stale in dest.glob("*.tf"):
        stale.unlink()
    for src in sorted(child.glob("*.tf")):
        write_private(dest / src.name, src.read_text())
