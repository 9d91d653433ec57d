import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import read_csv


@pytest.fixture
def test_set(root):
    X, y = read_csv(root / "data/wine_test.csv")
    return X.astype("float32"), y


@pytest.fixture
def model(root):
    path = root / "models/wine_keras.keras"
    assert path.exists(), "run keras_train.py first"
    return keras.models.load_model(path)


def test_model_standardises_its_own_input(model):
    kinds = [type(layer).__name__ for layer in model.layers]
    assert "Normalization" in kinds, "adapt a Normalization layer inside the model"
    assert model.output_shape == (None, 3)


def test_keras_model_classifies_the_test_set(root, model, test_set):
    X, y = test_set
    accuracy = float(np.mean(model.predict(X, verbose=0).argmax(axis=1) == y))
    assert accuracy >= 0.9
    report = json.loads((root / "reports/keras_metrics.json").read_text())
    assert report["epochs"] == 100
    assert report["test_accuracy"] == pytest.approx(accuracy)


def test_savedmodel_serves_the_same_predictions(root, model, test_set):
    X, _ = test_set
    served = tf.saved_model.load(str(root / "models/wine_savedmodel"))
    np.testing.assert_allclose(served.serve(tf.constant(X)).numpy(), model.predict(X, verbose=0), atol=1e-5)
