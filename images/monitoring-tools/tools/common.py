"""Shared bits of the monitoring tools: a threaded HTTP server with JSON helpers, and a tiny
Prometheus text exposition (stdlib only: these tools run on Debian's python3, nothing else)."""

from __future__ import annotations

import json
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Handler(BaseHTTPRequestHandler):
    """Subclasses implement route(method, path, query) -> (status, body, content_type)."""

    server_version = "lab-monitoring-tools"
    protocol_version = "HTTP/1.1"

    def route(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any, str]:
        raise NotImplementedError

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        try:
            status, payload, ctype = self.route(method, url.path.rstrip("/") or "/", query)
        except ValueError as exc:
            status, payload, ctype = 400, {"error": str(exc)}, "application/json"
        if ctype == "application/json":
            data = (json.dumps(payload, indent=2, default=str) + "\n").encode()
        else:
            data = payload.encode() if isinstance(payload, str) else payload
        self.send_response(status)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, fmt: str, *args: Any) -> None:
        if not self.path.startswith(("/metrics", "/health")):  # scrapes and probes every 5 s: noise
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")


def serve(handler: type[Handler], port: int, name: str) -> None:
    server = ThreadingHTTPServer(("0.0.0.0", port), handler)  # noqa: S104 - inside a container
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"{name} listening on 0.0.0.0:{port}", flush=True)
    server.serve_forever()


def escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def exposition(families: list[tuple[str, str, str, list[tuple[dict[str, object], float]]]]) -> str:
    """[(name, type, help, [(labels, value), ...]), ...] in the Prometheus text format 0.0.4."""
    lines = []
    for name, kind, text, samples in families:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            rendered = ",".join(f'{k}="{escape(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{rendered}}} {value:g}" if rendered else f"{name} {value:g}")
    return "\n".join(lines) + "\n"


METRICS_TYPE = "text/plain; version=0.0.4"
