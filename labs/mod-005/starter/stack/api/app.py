"""Hit counter: GET /hits increments and returns a counter kept in Redis (REDIS_HOST)."""

from __future__ import annotations

import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REDIS_HOST = os.environ.get("REDIS_HOST", "redis")


def incr(key: str) -> int:
    """INCR key over the Redis protocol (RESP), without a client library."""
    command = f"*2\r\n$4\r\nINCR\r\n${len(key)}\r\n{key}\r\n".encode()
    with socket.create_connection((REDIS_HOST, 6379), timeout=2) as conn:
        conn.sendall(command)
        reply = conn.recv(64)
    if not reply.startswith(b":"):
        raise RuntimeError(f"unexpected reply from Redis: {reply!r}")
    return int(reply[1:].split(b"\r\n")[0])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        try:
            status, body = (200, {"hits": incr("hits")}) if self.path == "/hits" else (404, {})
        except (OSError, RuntimeError) as exc:
            status, body = 503, {"error": str(exc)}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    print(f"hit counter on :8000, redis at {REDIS_HOST}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()  # noqa: S104
