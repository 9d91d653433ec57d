"""Unit tests of the Flask feedback app, in this process with its test client (exercise api-tests)."""


def test_health(client):
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


# TODO: valid feedback is stored (201, then readable at /feedback/<id>); invalid feedback is
# refused with 400 and an error message.
