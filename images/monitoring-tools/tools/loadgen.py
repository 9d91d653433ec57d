"""loadgen: steady, bounded load on the model API that the learner starts and stops over HTTP.

POST /start?rate=5&delay_ms=800&seconds=300[&path=/predict][&concurrency=16]
            `rate` requests per second for `seconds` (at most $LOADGEN_MAX_SECONDS, 3600), then it
            stops by itself. On /predict each request is a POST of one iris flower with
            ?delay_ms=N (the API sleeps N ms when it runs with LAB_LATENCY_INJECTION=1); any other
            path is a GET. Starting again replaces the running settings.
POST /stop  stop now
GET  /status the settings, whether it runs, seconds left, counts by status
GET  /      the same as a page with start and stop buttons
GET  /metrics  loadgen_requests_total{path,status}, loadgen_request_duration_seconds (client side),
            loadgen_running, loadgen_target_rate, loadgen_skipped_total (no free worker)
It only talks to $LOADGEN_TARGET (default http://api:8000).
"""

from __future__ import annotations

import html
import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from common import METRICS_TYPE, Handler, exposition, serve

TARGET = os.environ.get("LOADGEN_TARGET", "http://api:8000").rstrip("/")
MAX_SECONDS = float(os.environ.get("LOADGEN_MAX_SECONDS", "3600"))
MAX_RATE = 50.0
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
FLOWERS = [
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"sepal_length": 6.2, "sepal_width": 2.9, "petal_length": 4.3, "petal_width": 1.3},
    {"sepal_length": 7.7, "sepal_width": 3.0, "petal_length": 6.1, "petal_width": 2.3},
]


class Load:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings: dict[str, Any] = {}
        self.until = 0.0
        self.generation = 0
        self.in_flight = 0
        self.counts: dict[tuple[str, str], int] = {}
        self.skipped = 0
        self.buckets: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}

    def running(self) -> bool:
        return time.monotonic() < self.until

    def start(self, query: dict[str, str]) -> dict[str, Any]:
        rate = float(query.get("rate", 5))
        seconds = float(query.get("seconds", 300))
        delay_ms = int(query.get("delay_ms", 0))
        concurrency = int(query.get("concurrency", 16))
        path = query.get("path", "/predict")
        if not (0 < rate <= MAX_RATE) or not (0 < seconds <= MAX_SECONDS) or not (1 <= concurrency <= 64):
            raise ValueError(f"need 0 < rate <= {MAX_RATE:g}, 0 < seconds <= {MAX_SECONDS:g}, 1 <= concurrency <= 64")
        if delay_ms < 0 or not path.startswith("/"):
            raise ValueError("delay_ms must be >= 0 and path must start with /")
        with self.lock:
            self.generation += 1
            self.settings = {
                "rate": rate,
                "seconds": seconds,
                "delay_ms": delay_ms,
                "concurrency": concurrency,
                "path": path,
            }
            self.until = time.monotonic() + seconds
            generation = self.generation
        threading.Thread(target=self.drive, args=(generation,), daemon=True).start()
        print(f"load started: {self.settings} against {TARGET}", flush=True)
        return self.status()

    def stop(self) -> dict[str, Any]:
        with self.lock:
            self.generation += 1
            self.until = 0.0
        print("load stopped", flush=True)
        return self.status()

    def drive(self, generation: int) -> None:
        settings = dict(self.settings)
        interval = 1.0 / settings["rate"]
        with ThreadPoolExecutor(max_workers=settings["concurrency"]) as pool:
            next_at = time.monotonic()
            while self.generation == generation and self.running():
                with self.lock:
                    busy = self.in_flight >= settings["concurrency"]
                    if busy:
                        self.skipped += 1
                    else:
                        self.in_flight += 1
                if not busy:
                    pool.submit(self.one, settings)
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))

    def one(self, settings: dict[str, Any]) -> None:
        path = settings["path"]
        # Only $LOADGEN_TARGET (an http:// URL of the sandbox) is ever requested.
        if path == "/predict":
            url = f"{TARGET}/predict?delay_ms={settings['delay_ms']}"
            body = json.dumps(random.choice(FLOWERS)).encode()  # noqa: S311 - test data, not security
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})  # noqa: S310
        else:
            request = urllib.request.Request(TARGET + path)  # noqa: S310
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - the sandbox's API
                response.read()
                status = str(response.status)
        except urllib.error.HTTPError as exc:
            status = str(exc.code)
        except OSError:
            status = "error"
        self.observe(path, status, time.monotonic() - started)

    def observe(self, path: str, status: str, seconds: float) -> None:
        with self.lock:
            self.in_flight -= 1
            self.counts[(path, status)] = self.counts.get((path, status), 0) + 1
            counts = self.buckets.setdefault(path, [0] * (len(BUCKETS) + 1))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            counts[-1] += 1
            self.sums[path] = self.sums.get(path, 0.0) + seconds

    def status(self) -> dict[str, Any]:
        with self.lock:
            running = self.running()
            return {
                "target": TARGET,
                "running": running,
                "seconds_left": round(self.until - time.monotonic(), 1) if running else 0,
                "settings": self.settings,
                "in_flight": self.in_flight,
                "skipped": self.skipped,
                "requests": {f"{p} {s}": n for (p, s), n in sorted(self.counts.items())},
            }

    def metrics(self) -> str:
        with self.lock:
            running = self.running()
            counts = dict(self.counts)
            buckets = {p: list(v) for p, v in self.buckets.items()}
            sums = dict(self.sums)
            rate = self.settings.get("rate", 0) if running else 0
            skipped = self.skipped
        text = exposition(
            [
                (
                    "loadgen_requests_total",
                    "counter",
                    "Requests sent, by path and HTTP status (error: no answer)",
                    [({"path": p, "status": s}, n) for (p, s), n in sorted(counts.items())],
                ),
                ("loadgen_running", "gauge", "1 while load is being sent", [({}, 1 if running else 0)]),
                ("loadgen_target_rate", "gauge", "Requests per second asked for (0 when stopped)", [({}, rate)]),
                ("loadgen_skipped_total", "counter", "Requests not sent: every worker was busy", [({}, skipped)]),
            ]
        )
        name = "loadgen_request_duration_seconds"
        lines = [f"# HELP {name} Latency seen by the load generator", f"# TYPE {name} histogram"]
        for path, values in sorted(buckets.items()):
            bounds = [f"{b:g}" for b in BUCKETS] + ["+Inf"]
            lines += [f'{name}_bucket{{path="{path}",le="{le}"}} {n}' for le, n in zip(bounds, values, strict=True)]
            lines.append(f'{name}_sum{{path="{path}"}} {sums.get(path, 0.0):g}')
            lines.append(f'{name}_count{{path="{path}"}} {values[-1]}')
        return text + "\n".join(lines) + "\n"


load = Load()


def page(status: dict[str, Any], note: str = "") -> str:
    state = f"running, {status['seconds_left']} s left" if status["running"] else "stopped"
    return f"""<!doctype html><title>loadgen</title>
<h1>loadgen &rarr; {html.escape(TARGET)}</h1><p>{html.escape(note)}</p><p>State: <b>{state}</b></p>
<form method="post" action="/start"><input type="hidden" name="html" value="1">
rate (req/s) <input name="rate" value="5" size="4"> delay_ms <input name="delay_ms" value="800" size="5">
seconds <input name="seconds" value="300" size="5"> path <input name="path" value="/predict" size="10">
<button>Start</button></form>
<form method="post" action="/stop"><input type="hidden" name="html" value="1"><button>Stop</button></form>
<pre>{html.escape(json.dumps(status, indent=2))}</pre><p><a href="/">refresh</a></p>"""


class LoadgenHandler(Handler):
    def route(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any, str]:
        if method == "POST":
            body = self.body().decode(errors="replace")
            if body and "=" in body:  # an HTML form
                import urllib.parse

                query = query | dict(urllib.parse.parse_qsl(body))
            if path == "/start":
                status = load.start(query)
            elif path == "/stop":
                status = load.stop()
            else:
                return 404, {"error": f"no route POST {path}"}, "application/json"
            if query.get("html"):
                return 200, page(status, "started" if path == "/start" else "stopped"), "text/html"
            return 200, status, "application/json"
        if path == "/status":
            return 200, load.status(), "application/json"
        if path == "/metrics":
            return 200, load.metrics(), METRICS_TYPE
        if path == "/health":
            return 200, {"status": "ok"}, "application/json"
        if path == "/":
            return 200, page(load.status()), "text/html"
        return 404, {"error": f"no route {method} {path}"}, "application/json"


def main() -> None:
    autostart = float(os.environ.get("LOADGEN_RATE", "0"))
    if autostart > 0:
        delay_ms = os.environ.get("LOADGEN_DELAY_MS", "0")
        load.start({"rate": str(autostart), "delay_ms": delay_ms, "seconds": str(MAX_SECONDS)})
    serve(LoadgenHandler, int(os.environ.get("PORT", "8089")), "loadgen")


if __name__ == "__main__":
    main()
