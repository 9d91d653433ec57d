import json

import joblib
import numpy as np
import onnxruntime as ort

from conftest import read_csv


def test_onnx_model_agrees_with_scikit_learn(root):
    onnx_path = root / "models/wine_pipeline.onnx"
    assert onnx_path.exists(), "run convert.py first"
    X, _ = read_csv(root / "data/wine_test.csv")
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    labels = session.run(None, {name: X.astype(np.float32)})[0]
    expected = joblib.load(root / "models/wine_pipeline.joblib").predict(X)
    np.testing.assert_array_equal(np.asarray(labels).ravel(), expected)


def test_comparison_report(root):
    report = json.loads((root / "reports/onnx_compare.json").read_text())
    assert report["n"] == 36
    assert report["label_agreement"] == 1.0
    assert 0 <= report["max_abs_proba_diff"] < 1e-4
