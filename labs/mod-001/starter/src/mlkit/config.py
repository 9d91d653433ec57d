"""Load the training configuration from a TOML file."""

from __future__ import annotations

import tomllib

DEFAULTS = {"threshold": 0.5, "test_ratio": 0.2, "seed": 42}


def load_config(path):
    """Read the [training] table of a TOML file, filling in DEFAULTS for missing keys."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    config = dict(DEFAULTS)
    config.update(data.get("training", {}))
    return config


def get_threshold(config: dict) -> float:
    """The decision threshold of a loaded configuration."""
    return config.get("threshold")
