"""A small client for the model API (standard library only)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Opener = Callable[[urllib.request.Request, float], Any]


@dataclass(frozen=True)
class Prediction:
    label: str
    probabilities: dict[str, float]
    model_version: str


class ModelApiClient:
    def __init__(self, base_url: str, opener: Opener | None = None, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._open = opener or (
            lambda request, timeout: urllib.request.urlopen(request, timeout=timeout)
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with self._open(request, self.timeout) as response:
            return json.loads(response.read())

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def predict(
        self, sepal_length: float, sepal_width: float, petal_length: float, petal_width: float
    ) -> Prediction:
        answer = self._call(
            "POST",
            "/predict",
            {
                "sepal_length": sepal_length,
                "sepal_width": sepal_width,
                "petal_length": petal_length,
                "petal_width": petal_width,
            },
        )
        return Prediction(answer["label"], answer["probabilities"], answer["model_version"])
