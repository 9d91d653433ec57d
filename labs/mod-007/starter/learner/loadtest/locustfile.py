"""Load test of the iris model API (exercise load-test).

Run it headless from this folder, e.g.
    locust -f locustfile.py --host http://api:8000 --headless -u 20 -r 10 -t 30s --csv results
"""

from locust import HttpUser, between, task


class ApiUser(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def health(self) -> None:
        self.client.get("/health")

    # TODO: add a task that POSTs a flower to /predict (weight it 5x more than /health) and
    # marks the request failed when the answer has no "label".
