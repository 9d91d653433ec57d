"""Secrets generated for a sandbox are registered here so no log or error ever shows them."""

from __future__ import annotations

_SECRETS: set[str] = set()


def register(*secrets: str) -> None:
    """Remember values that must be masked wherever text leaves the process."""
    _SECRETS.update(s for s in secrets if len(s) >= 6)


def redact(text: str) -> str:
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text
