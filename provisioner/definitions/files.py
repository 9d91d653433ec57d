"""`lab validate`: check definition files or folders, collecting every problem."""

from __future__ import annotations

from pathlib import Path

from provisioner.core.errors import DefinitionError
from provisioner.definitions.catalog import DEFINITION, check_file, definition_files


def expand(paths: list[str]) -> list[Path]:
    if not paths:
        return list(definition_files().values())
    files: list[Path] = []
    for raw in map(Path, paths):
        if raw.is_file():
            files.append(raw)
        elif (raw / DEFINITION).is_file():
            files.append(raw / DEFINITION)
        else:
            files += sorted(raw.glob(f"*/{DEFINITION}"))
    return files


def validate_paths(paths: list[str]) -> int:
    files = expand(paths)
    problems = [p for f in files for p in check_file(f)[1]]
    if problems:
        raise DefinitionError(problems)
    return len(files)
