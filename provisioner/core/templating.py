"""The one Jinja environment for values rendered into checks, hints and access sheets."""

from __future__ import annotations

from typing import Any

import jinja2


def render(text: str, values: dict[str, Any]) -> str:
    """Render with StrictUndefined, so a reference to something the lab lacks fails loudly."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 - not HTML
    return env.from_string(text).render(**values)
