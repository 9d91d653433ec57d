"""Load the training configuration from a TOML file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypedDict


class TrainingConfig(TypedDict):
    threshold: float
    test_ratio: float
    seed: int


DEFAULTS = TrainingConfig(threshold=0.5, test_ratio=0.2, seed=42)


def load_config(path: str | Path) -> TrainingConfig:
    """Read the [training] table of a TOML file, filling in DEFAULTS for missing keys."""
    with open(path, "rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    training: dict[str, Any] = data.get("training", {})
    return TrainingConfig(
        threshold=float(training.get("threshold", DEFAULTS["threshold"])),
        test_ratio=float(training.get("test_ratio", DEFAULTS["test_ratio"])),
        seed=int(training.get("seed", DEFAULTS["seed"])),
    )


def get_threshold(config: TrainingConfig) -> float:
    """The decision threshold of a loaded configuration."""
    return config["threshold"]
