import pytest

from mlkit.data import train_test_split

ROWS = list(range(100))


def test_sizes():
    train, test = train_test_split(ROWS, test_ratio=0.25, seed=1)
    assert len(test) == 25
    assert len(train) == 75


def test_split_is_a_partition():
    train, test = train_test_split(ROWS, seed=3)
    assert sorted(train + test) == ROWS
    assert not set(train) & set(test)


def test_same_seed_same_split_other_seed_other_split():
    assert train_test_split(ROWS, seed=7) == train_test_split(ROWS, seed=7)
    assert train_test_split(ROWS, seed=7) != train_test_split(ROWS, seed=8)


def test_rows_are_shuffled():
    train, _ = train_test_split(ROWS, seed=0)
    assert train != sorted(train) or train[:10] != ROWS[:10]


def test_input_is_not_modified():
    rows = ["a", "b", "c", "d", "e"]
    train_test_split(rows, test_ratio=0.4, seed=0)
    assert rows == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize("ratio", [0, 1, -0.1, 1.5])
def test_bad_ratio_raises(ratio):
    with pytest.raises(ValueError):
        train_test_split(ROWS, test_ratio=ratio)
