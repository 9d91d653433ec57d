"""Writing into a diagnostics bundle: private files, known secrets redacted."""

from __future__ import annotations

from pathlib import Path

from provisioner.core.redact import redact
from provisioner.core.state import write_private


def save(path: Path, text: str) -> None:
    """Write a bundle file: private, with every known secret redacted."""
    write_private(path, redact(text))
