"""Splitting data sets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def train_test_split(
    rows: Sequence[T], test_ratio: float = 0.2, seed: int = 0
) -> tuple[list[T], list[T]]:
    """Split rows into (train, test) after shuffling a copy with random.Random(seed).

    The test part has round(len(rows) * test_ratio) rows, the train part the rest. The input is
    never modified. The same seed always gives the same split. A test_ratio outside the open
    interval (0, 1) raises ValueError.
    """
    raise NotImplementedError("exercise implement-split: write me")
