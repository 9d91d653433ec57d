import pytest

from mlkit.metrics import accuracy, confusion, f1, precision, recall

Y_TRUE = [1, 0, 1, 1, 0, 0, 1, 0]
Y_PRED = [1, 0, 0, 1, 1, 0, 1, 0]


def test_accuracy():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(6 / 8)


def test_accuracy_all_correct():
    assert accuracy([0, 1], [0, 1]) == 1.0


def test_confusion_counts():
    assert confusion(Y_TRUE, Y_PRED) == (3, 1, 1, 3)


def test_confusion_false_positive_is_predicted_positive_but_negative():
    assert confusion([0], [1]) == (0, 1, 0, 0)


def test_precision_recall_f1():
    assert precision(Y_TRUE, Y_PRED) == pytest.approx(3 / 4)
    assert recall(Y_TRUE, Y_PRED) == pytest.approx(3 / 4)
    assert f1(Y_TRUE, Y_PRED) == pytest.approx(3 / 4)


def test_precision_without_positive_predictions_is_zero():
    assert precision([1, 0], [0, 0]) == 0.0


def test_f1_when_everything_is_wrong_is_zero():
    assert f1([1, 1], [0, 0]) == 0.0


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        accuracy([1, 0], [1])
