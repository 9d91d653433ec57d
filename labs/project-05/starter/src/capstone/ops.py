"""What the pipeline's scripts share: configuration, releases, secrets and TLS."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("staging", "prod")
SECRET_KEYS = {"DATABASE_URL", "API_TOKEN"}


class OpsError(Exception):
    """A problem the scripts report in one line and exit 1 on."""


def load_config(environment: str) -> dict[str, Any]:
    if environment not in ENVIRONMENTS:
        raise OpsError(f"unknown environment {environment!r}: {', '.join(ENVIRONMENTS)}")
    return dict(yaml.safe_load((ROOT / "config" / f"{environment}.yml").read_text()))


def load_release(path: str | Path = ROOT / "dist" / "release.json") -> dict[str, Any]:
    try:
        return dict(json.loads(Path(path).read_text()))
    except FileNotFoundError as exc:
        raise OpsError(f"no release at {path}: run the build step (python3 bin/build.py) first") from exc


def parse_env(text: str) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments are skipped."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            if not sep:
                raise OpsError("a secrets file line is not KEY=VALUE")
            values[key.strip()] = value.strip()
    return values


def read_secrets(environment: str) -> dict[str, str]:
    """Decrypt secrets/ENVIRONMENT.env.age with the CI runner's age identity (memory only)."""
    encrypted = ROOT / "secrets" / f"{environment}.env.age"
    identity = os.environ.get("AGE_IDENTITY") or str(Path.home() / ".config" / "age" / "key.txt")
    if not encrypted.is_file():
        raise OpsError(f"{encrypted.relative_to(ROOT)} is missing: encrypt the secrets (secrets/README.md)")
    done = subprocess.run(["age", "-d", "-i", identity, str(encrypted)], capture_output=True, check=False)
    if done.returncode != 0:
        raise OpsError(f"cannot decrypt {encrypted.name}: {done.stderr.decode(errors='replace').strip()}")
    values = parse_env(done.stdout.decode())
    if set(values) != SECRET_KEYS:
        raise OpsError(f"{encrypted.name} must hold exactly {sorted(SECRET_KEYS)}, it has {sorted(values)}")
    return values


def tls_context() -> ssl.SSLContext:
    """The TLS settings of every HTTPS call to the environments (smoke tests, probes).

    TODO (exercise verify-tls): the front's certificate is issued by the sandbox's own
    certificate authority, whose certificate is ~/ca/ca.crt ($LAB_CA_FILE). Verify against it
    instead of accepting any certificate.
    """
    return ssl._create_unverified_context()  # noqa: S323 - accepts ANY certificate


def http_json(
    url: str, body: dict[str, Any] | None = None, token: str | None = None, timeout: float = 90
) -> tuple[int, dict[str, Any]]:
    """GET (or POST a JSON body) and return (status, JSON answer), also for 4xx/5xx answers."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    context = tls_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {"error": exc.reason}
