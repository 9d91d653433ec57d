"""Load test of the iris model API (exercise load-test).

Run it headless from this folder, e.g.
    locust -f locustfile.py --host http://api:8000 --headless -u 20 -r 10 -t 30s --csv results
"""

import random

from locust import HttpUser, between, task

FLOWERS = [
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"sepal_length": 6.0, "sepal_width": 2.7, "petal_length": 5.1, "petal_width": 1.6},
    {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3},
]


class ApiUser(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def health(self) -> None:
        self.client.get("/health")

    @task(5)
    def predict(self) -> None:
        with self.client.post(
            "/predict", json=random.choice(FLOWERS), catch_response=True
        ) as response:
            if response.status_code != 200 or "label" not in response.json():
                response.failure(f"bad answer: {response.status_code} {response.text[:80]}")
