"""deploy-agent: runs model-api in this container and swaps it for a new release on request.

The container is the environment (prod or staging): one image, lab/model-api, for both; what
differs is the configuration each release brings. The agent owns the service process:

  GET  /status   (no auth)  environment, state (empty|starting|running|failed), release,
                            previous release, deployed_at, pid
  POST /deploy   (Authorization: Bearer $DEPLOY_TOKEN) JSON body:
       {"release": "1.2.0+g1a2b3c4",
        "config":  {"MODEL_NAME": "iris-classifier", "APP_VERSION": "...", "LOG_LEVEL": "INFO"},
        "secrets": {"DATABASE_URL": "postgresql://...", "API_TOKEN": "..."}}
       stops the running service, starts `python -m model_api` with the container's
       environment plus config and secrets, and waits until its /health answers 200.
       200 {"deployed": release} when healthy; otherwise the previous release is started again
       and the answer is 502 with the reason and {"rolled_back_to": previous}.

Secrets are injected at deploy time: the agent keeps them in memory only (never on disk, never
logged), so a restarted container serves nothing until the pipeline deploys again.
Environment: DEPLOY_TOKEN (required), APP_ENV, AGENT_PORT (9000), PORT (8000, the service's).
Standard library only: it runs under the image's Python without installing anything.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONFIG_KEYS = {"MODEL_NAME", "APP_VERSION", "LOG_LEVEL"}
SECRET_KEYS = {"DATABASE_URL", "API_TOKEN"}
RELEASE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
TOKEN = os.environ.get("DEPLOY_TOKEN", "")
SERVICE_PORT = int(os.environ.get("PORT") or 8000)
HEALTH_WAIT = float(os.environ.get("DEPLOY_HEALTH_WAIT") or 60)


def log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(json.dumps({"ts": stamp, "logger": "deploy-agent", "msg": message}), flush=True)


class Service:
    """The model-api process of the current release (at most one)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # one deploy at a time
        self.proc: subprocess.Popen[bytes] | None = None
        self.current: dict[str, Any] | None = None  # release, config, secrets (memory only)
        self.previous: dict[str, Any] | None = None
        self.state = "empty"
        self.deployed_at: str | None = None
        self.stopping = False

    def status(self) -> dict[str, Any]:
        return {
            "environment": os.environ.get("APP_ENV", ""),
            "state": self.state,
            "release": self.current["release"] if self.current else None,
            "previous": self.previous["release"] if self.previous else None,
            "deployed_at": self.deployed_at,
            "pid": self.proc.pid if self.proc and self.proc.poll() is None else None,
        }

    def _start(self, release: dict[str, Any]) -> None:
        env = dict(os.environ)
        env.pop("DEPLOY_TOKEN", None)  # the service never needs the deployer's credential
        env.update(release["config"])
        env.update(release["secrets"])
        self.proc = subprocess.Popen([sys.executable, "-m", "model_api"], env=env)  # noqa: S603
        self.state = "starting"

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def _healthy(self) -> tuple[bool, str]:
        deadline = time.monotonic() + HEALTH_WAIT
        reason = "no answer"
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False, f"the service exited with code {self.proc.returncode if self.proc else '?'}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{SERVICE_PORT}/health", timeout=3) as resp:  # noqa: S310
                    if resp.status == 200:
                        return True, "healthy"
            except urllib.error.HTTPError as exc:
                body = exc.read(2000).decode(errors="replace")
                reason = f"/health answered {exc.code}: {body}"
                try:
                    if json.loads(body).get("model_loaded") is False:  # it will not load by waiting
                        return False, f"the model did not load ({reason})"
                except ValueError:
                    pass
            except OSError as exc:
                reason = f"/health: {exc}"
            time.sleep(0.5)
        return False, f"not healthy after {HEALTH_WAIT:g} s ({reason})"

    def deploy(self, release: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not self.lock.acquire(blocking=False):
            return 409, {"error": "another deploy is running"}
        try:
            log(f"deploying {release['release']} (was {self.current['release'] if self.current else 'nothing'})")
            old = self.current
            self._stop()
            self._start(release)
            ok, reason = self._healthy()
            if ok:
                self.previous, self.current = old, release
                self.state = "running"
                self.deployed_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                log(f"{release['release']} is healthy and serving")
                return 200, {"deployed": release["release"], **self.status()}
            log(f"{release['release']} failed: {reason}")
            self._stop()
            if old is not None:
                self._start(old)
                back, _ = self._healthy()
                self.state = "running" if back else "failed"
                log(f"rolled back to {old['release']} ({'healthy' if back else 'NOT healthy'})")
            else:
                self.state = "failed"
            return 502, {"error": reason, "rolled_back_to": old["release"] if old else None, **self.status()}
        finally:
            self.lock.release()

    def watch(self) -> None:
        """Restart the service when it dies on its own (crash, OOM kill), as a supervisor would."""
        while not self.stopping:
            time.sleep(2)
            if self.lock.acquire(blocking=False):
                try:
                    if self.state == "running" and self.current and self.proc and self.proc.poll() is not None:
                        log(f"the service exited ({self.proc.returncode}); restarting {self.current['release']}")
                        self._start(self.current)
                        self.state = "running" if self._healthy()[0] else "failed"
                finally:
                    self.lock.release()

    def shutdown(self) -> None:
        self.stopping = True
        self._stop()


SERVICE = Service()


def parse_release(body: bytes) -> dict[str, Any]:
    doc = json.loads(body)
    if not isinstance(doc, dict):
        raise ValueError("the body must be a JSON object")
    release, config, secrets = doc.get("release"), doc.get("config") or {}, doc.get("secrets") or {}
    if not isinstance(release, str) or not RELEASE.match(release):
        raise ValueError(f"release must match {RELEASE.pattern}")
    if not isinstance(config, dict) or set(config) - CONFIG_KEYS:
        raise ValueError(f"config may only set {sorted(CONFIG_KEYS)}")
    if not isinstance(secrets, dict) or set(secrets) != SECRET_KEYS:
        raise ValueError(f"secrets must set exactly {sorted(SECRET_KEYS)}")
    values = {**config, **secrets}
    if not all(isinstance(v, str) and v and "\n" not in v for v in values.values()):
        raise ValueError("config and secret values must be non-empty one-line strings")
    return {"release": release, "config": config, "secrets": secrets}


class Handler(BaseHTTPRequestHandler):
    server_version = "deploy-agent/1.0"

    def log_message(self, fmt: str, *args: Any) -> None:  # one JSON line per request, no bodies
        log(f"{self.address_string()} {fmt % args}")

    def _answer(self, code: int, doc: dict[str, Any]) -> None:
        body = (json.dumps(doc) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path in ("/status", "/"):
            self._answer(200, SERVICE.status())
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/deploy":
            self._answer(404, {"error": "not found"})
            return
        given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not TOKEN or not hmac.compare_digest(given.encode(), TOKEN.encode()):
            self._answer(401, {"error": "missing or invalid deploy token"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= 65536:
            self._answer(400, {"error": "a JSON body of at most 64 KiB is needed"})
            return
        try:
            release = parse_release(self.rfile.read(length))
        except ValueError as exc:
            self._answer(400, {"error": str(exc)})
            return
        self._answer(*SERVICE.deploy(release))


def main() -> None:
    if not TOKEN:
        sys.exit("deploy-agent: DEPLOY_TOKEN is not set")
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("AGENT_PORT") or 9000)), Handler)  # noqa: S104

    def stop(*_: Any) -> None:
        SERVICE.shutdown()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=SERVICE.watch, daemon=True).start()
    log(f"listening on :{server.server_address[1]} for {os.environ.get('APP_ENV', '?')}; nothing deployed yet")
    server.serve_forever()


if __name__ == "__main__":
    main()
