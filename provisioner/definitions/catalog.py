"""Find, load and strictly validate lab definitions, reporting every problem at once."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from provisioner.core import paths
from provisioner.core.errors import DefinitionError, UsageError

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

DEFINITION = "lab.yaml"


def search_dirs() -> list[Path]:
    """The catalog, plus folders named in LAB_PATH (tests keep their own labs there)."""
    extra = [Path(p) for p in os.environ.get("LAB_PATH", "").split(os.pathsep) if p]
    return [paths.LABS_DIR, *extra]


def definition_files() -> dict[str, Path]:
    """Lab id (its folder name) -> definition file."""
    found: dict[str, Path] = {}
    for root in search_dirs():
        for file in sorted(root.glob(f"*/{DEFINITION}")):
            found.setdefault(file.parent.name, file)
    return found


def resolve(lab_id: str) -> Path:
    files = definition_files()
    if lab_id in files:
        return files[lab_id]
    close = difflib.get_close_matches(lab_id, list(files), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else "run `lab list` to see the labs"
    raise UsageError(f"unknown lab {lab_id!r}: {hint}")


def load(lab_id: str) -> Lab:
    return load_file(resolve(lab_id))


def load_file(file: Path) -> Lab:
    lab, problems = check_file(file)
    if problems or lab is None:
        raise DefinitionError(problems)
    return lab


def check_file(file: Path) -> tuple[Lab | None, list[str]]:
    """Validate one definition; returns the lab (when valid) and every problem found."""
    # pydantic and Jinja load only when a definition is validated: `lab list` and `lab --help` stay fast.
    from provisioner.definitions.validate import validate_data

    where = display(file)
    try:
        data = read_yaml(file)
    except ValueError as exc:
        return None, [f"{where}: {exc}"]
    return validate_data(data, file, where)


def read_yaml(file: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    except OSError as exc:
        raise ValueError(f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ValueError(f"{pos}invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc


def display(file: Path) -> str:
    """A path relative to the working directory when it is inside it, for one-line errors."""
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def summaries() -> list[dict[str, Any]]:
    """What `lab list` shows, read without full validation so listing stays fast."""
    rows = []
    for lab_id, file in definition_files().items():
        try:
            data = read_yaml(file)
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        sandbox = data.get("sandbox")
        sandbox = sandbox if isinstance(sandbox, dict) else {}
        rows.append(
            {
                "id": lab_id,
                "title": data.get("title", "?"),
                "kind": data.get("kind", "?"),
                "hours": data.get("hours"),
                "backend": sandbox.get("backend", "?"),
                "unavailable": data.get("unavailable"),
                "path": display(file),
            }
        )
    return rows
