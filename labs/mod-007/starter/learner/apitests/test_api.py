"""Integration tests of the iris API, over HTTP (exercise api-tests)."""

import requests

TIMEOUT = 10  # seconds: a test that hangs tells you nothing


def test_health(base_url):
    answer = requests.get(f"{base_url}/health", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


# TODO: a known flower is classified correctly, with probabilities; impossible measurements
# are refused with 422; /admin/reload answers 401 without a token and with a wrong one, and
# 200 with the right one.
