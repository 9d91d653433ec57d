"""A local HTTP server answering JSON, for unit tests that substitute a service's HTTP API."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any


class JsonHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self, status: int, body: dict[str, Any]) -> None:
        self.send_response(status)
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *_a: Any) -> None:
        pass


@contextlib.contextmanager
def serve(handler: type[JsonHandler]) -> Iterator[str]:
    """The handler on a free loopback port, as its base URL, until the block ends."""
    srv = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
