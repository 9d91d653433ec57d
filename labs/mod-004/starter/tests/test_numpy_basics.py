import numpy as np
import pytest

from ml.numpy_basics import one_hot, pairwise_distances, softmax, standardize

RNG = np.random.default_rng(0)


def test_standardize_mean_zero_std_one():
    X = RNG.normal(5, 3, size=(200, 4))
    Z = standardize(X)
    assert Z.shape == X.shape
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-12)


def test_standardize_constant_column_is_zero():
    X = np.array([[1.0, 7.0], [2.0, 7.0], [3.0, 7.0]])
    Z = standardize(X)
    assert not np.isnan(Z).any()
    np.testing.assert_array_equal(Z[:, 1], 0)


def test_softmax_rows_sum_to_one_and_keep_order():
    z = RNG.normal(size=(10, 3))
    p = softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    np.testing.assert_array_equal(p.argmax(axis=1), z.argmax(axis=1))


def test_softmax_is_stable_for_large_inputs():
    p = softmax(np.array([[1000.0, 1000.0, 990.0]]))
    assert np.isfinite(p).all()
    assert p[0, 0] == pytest.approx(p[0, 1])


def test_pairwise_distances_matches_brute_force():
    A, B = RNG.normal(size=(5, 3)), RNG.normal(size=(4, 3))
    expected = np.array([[np.sqrt(((a - b) ** 2).sum()) for b in B] for a in A])
    np.testing.assert_allclose(pairwise_distances(A, B), expected, atol=1e-9)


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0, 1]), 3), np.eye(3)[[2, 0, 1]])
