"""Integration tests of the iris API, over HTTP (exercise api-tests)."""

import pytest
import requests

TIMEOUT = 10  # seconds: a test that hangs tells you nothing

SETOSA = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
VIRGINICA = {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}


def test_health(base_url):
    answer = requests.get(f"{base_url}/health", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


@pytest.mark.parametrize(("flower", "label"), [(SETOSA, "setosa"), (VIRGINICA, "virginica")])
def test_predict_classifies_known_flowers(base_url, flower, label):
    answer = requests.post(f"{base_url}/predict", json=flower, timeout=TIMEOUT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["label"] == label
    assert set(body["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert sum(body["probabilities"].values()) == pytest.approx(1, abs=0.01)


@pytest.mark.parametrize(("field", "value"), [("sepal_length", -1), ("petal_width", 100)])
def test_predict_refuses_impossible_measurements(base_url, field, value):
    answer = requests.post(f"{base_url}/predict", json={**SETOSA, field: value}, timeout=TIMEOUT)
    assert answer.status_code == 422
    assert field in answer.text  # the error names the field


def test_admin_reload_without_token_is_401(base_url):
    answer = requests.post(f"{base_url}/admin/reload", timeout=TIMEOUT)
    assert answer.status_code == 401
    assert answer.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_admin_reload_with_wrong_token_is_401(base_url):
    headers = {"Authorization": "Bearer not-the-token"}
    answer = requests.post(f"{base_url}/admin/reload", headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 401


def test_admin_reload_with_token(base_url, token):
    headers = {"Authorization": f"Bearer {token}"}
    answer = requests.post(f"{base_url}/admin/reload", headers=headers, timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.json()["reloaded"] is True
