"""Splitting data sets."""

from __future__ import annotations

import random
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
    if not 0 < test_ratio < 1:
        raise ValueError(f"test_ratio must be between 0 and 1 (exclusive), got {test_ratio}")
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    n_test = round(len(shuffled) * test_ratio)
    return shuffled[n_test:], shuffled[:n_test]
