"""Vectorised NumPy building blocks. No Python loops over rows: use broadcasting."""

from __future__ import annotations

import numpy as np


def standardize(X: np.ndarray) -> np.ndarray:
    """Scale every column to mean 0 and standard deviation 1.

    A constant column (standard deviation 0) becomes all zeros instead of NaN.
    """
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0)
    centered = X - X.mean(axis=0)
    return np.divide(centered, std, out=np.zeros_like(centered), where=std > 0)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a 2-D array; must not overflow for large inputs such as 1000."""
    shifted = np.asarray(z, dtype=float) - np.max(z, axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def pairwise_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of A (n x d) and every row of B (m x d): n x m."""
    diff = np.asarray(A, dtype=float)[:, None, :] - np.asarray(B, dtype=float)[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Integer labels (n,) to a float one-hot matrix (n x n_classes)."""
    return np.eye(n_classes)[np.asarray(y, dtype=int)]
