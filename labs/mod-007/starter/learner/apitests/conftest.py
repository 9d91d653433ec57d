"""Fixtures of the API tests (exercise api-tests). Run the tests from this folder: pytest -v

- base_url: where the iris API is, http://api:8000 unless API_URL says otherwise. Every
  integration test builds its URLs from it: the lab's check runs your tests against other
  targets too.
- token: the API token (environment variable API_TOKEN, set in this component).
- client: a test client of the Flask app in ~/feedback/app.py (exercise flask-endpoint): it
  calls the app in this process, without a server.
"""

import os
import sys
from pathlib import Path

import pytest


@pytest.fixture
def base_url() -> str:
    return os.environ.get("API_URL", "http://api:8000").rstrip("/")


@pytest.fixture
def token() -> str:
    return os.environ["API_TOKEN"]


@pytest.fixture
def client():
    sys.path.insert(0, str(Path.home() / "feedback"))
    try:
        from app import app  # ~/feedback/app.py
    finally:
        sys.path.pop(0)
    app.config["TESTING"] = True  # exceptions reach the test instead of becoming a 500
    with app.test_client() as client:
        yield client
