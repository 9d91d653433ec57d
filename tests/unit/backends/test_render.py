from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from provisioner.backends.common.render import render_module


def test_a_child_module_goes_along_and_stale_files_go(tmp_path: Path) -> None:
    module, workdir = tmp_path / "module", tmp_path / "wd"
    (module / "container").mkdir(parents=True)
    (module / "main.tf").write_text('module "lead" { source = "./container" }\n')
    (module / "container" / "main.tf").write_text("# the child\n")
    (workdir / "container").mkdir(parents=True)
    (workdir / "old.tf").write_text("")
    (workdir / "container" / "old.tf").write_text("")
    render_module(module, workdir, SimpleNamespace(lab=None, ref=None))  # type: ignore[arg-type]
    files = sorted(str(p.relative_to(workdir)) for p in workdir.rglob("*.tf"))
    assert files == ["container/main.tf", "main.tf"]
    assert (workdir / "container" / "main.tf").read_text() == "# the child\n"
    assert (workdir / "container" / "main.tf").stat().st_mode & 0o077 == 0
