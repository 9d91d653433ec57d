import csv

import joblib
import numpy as np

from conftest import read_csv


def test_predictions_file_matches_the_model(root):
    X, _ = read_csv(root / "data/iris_test.csv")
    out = root / "out/iris_onnx_predictions.csv"
    assert out.exists(), "run onnx_inference.py first"
    with out.open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["label"]
    predicted = np.array([int(r[0]) for r in rows[1:]])
    expected = joblib.load(root / "models/iris_logreg.joblib").predict(X)
    np.testing.assert_array_equal(predicted, expected)
