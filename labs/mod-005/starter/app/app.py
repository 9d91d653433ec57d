"""A tiny model API with the standard library only: GET /health, GET /predict?x=1.5."""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

VERSION = "1.0"
SLOPE, INTERCEPT = 2.0, 1.0  # the "model"


def predict(x: float) -> float:
    return SLOPE * x + INTERCEPT


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        if url.path == "/health":
            self._send(200, {"status": "ok", "version": VERSION})
        elif url.path == "/predict":
            try:
                x = float(parse_qs(url.query)["x"][0])
            except (KeyError, ValueError):
                self._send(400, {"error": "give a number as ?x="})
                return
            self._send(200, {"x": x, "y": predict(x)})
        else:
            self._send(404, {"error": "not found"})


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    print(f"model api {VERSION} listening on :{port}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()  # noqa: S104 - in a container


if __name__ == "__main__":
    main()
