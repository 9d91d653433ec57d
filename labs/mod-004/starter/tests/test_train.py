import json

import joblib
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


def test_model_and_report(root):
    model_path = root / "models/cancer_model.joblib"
    report_path = root / "reports/metrics.json"
    assert model_path.exists() and report_path.exists(), "run train.py first"
    X, y = load_breast_cancer(return_X_y=True)
    _, X_te, _, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    model = joblib.load(model_path)
    test_accuracy = model.score(X_te, y_te)
    assert test_accuracy >= 0.95
    report = json.loads(report_path.read_text())
    assert report["test_accuracy"] == pytest.approx(test_accuracy)
    assert 0.9 <= report["cv_accuracy_mean"] <= 1
    assert 0 <= report["cv_accuracy_std"] < 0.1
    assert hasattr(model, "steps"), "save the whole Pipeline, scaler included"
