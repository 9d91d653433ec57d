"""Vectorised NumPy building blocks. No Python loops over rows: use broadcasting."""

from __future__ import annotations

import numpy as np


def standardize(X: np.ndarray) -> np.ndarray:
    """Scale every column to mean 0 and standard deviation 1.

    A constant column (standard deviation 0) becomes all zeros instead of NaN.
    """
    raise NotImplementedError("exercise numpy-basics")


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a 2-D array; must not overflow for large inputs such as 1000."""
    raise NotImplementedError("exercise numpy-basics")


def pairwise_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of A (n x d) and every row of B (m x d): n x m."""
    raise NotImplementedError("exercise numpy-basics")


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Integer labels (n,) to a float one-hot matrix (n x n_classes)."""
    raise NotImplementedError("exercise numpy-basics")
