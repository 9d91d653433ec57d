"""Unit tests of the Flask feedback app, in this process with its test client (exercise api-tests)."""

import pytest


def test_health(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_feedback_is_stored(client):
    answer = client.post("/feedback", json={"label": "setosa", "correct": True, "comment": "ok"})
    assert answer.status_code == 201
    item = answer.get_json()
    assert item["label"] == "setosa" and item["correct"] is True
    again = client.get(f"/feedback/{item['id']}")
    assert again.status_code == 200
    assert again.get_json() == item


@pytest.mark.parametrize(
    "body",
    [
        {"label": "rose", "correct": True},  # not a class of the model
        {"label": "setosa", "correct": "yes"},  # not a boolean
        {"correct": False},  # no label
        ["setosa", True],  # not an object
    ],
)
def test_invalid_feedback_is_refused(client, body):
    answer = client.post("/feedback", json=body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]


def test_unknown_feedback_is_404(client):
    assert client.get("/feedback/999999").status_code == 404
