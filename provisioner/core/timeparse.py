"""Durations such as 90s, 30m, 8h, 2d."""

from __future__ import annotations

import re

from provisioner.core.errors import UsageError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if not match:
        raise UsageError(f"bad duration {text!r}: use a number and a unit, e.g. 30m, 8h, 2d")
    return float(match.group(1)) * UNITS[match.group(2)]
