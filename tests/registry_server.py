"""A throwaway image registry as users run one: the CNCF distribution registry (Debian's
docker-registry binary, unpacked into the venv by `scripts/dev test`) on 127.0.0.1 with TLS and
basic auth on, logged in with a Docker config of its own. Used by the registry test and bench."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bcrypt

USER = "instructor"
BINARY = Path(sys.executable).parent / "docker-registry"


@dataclass
class Registry:
    host: str
    password: str
    docker_config: Path

    def env(self, docker_config: Path | None = None) -> dict[str, str]:
        """The environment of a `lab` that pulls from this registry with these credentials."""
        config = docker_config or self.docker_config
        return os.environ | {"LAB_IMAGE_REGISTRY": self.host, "DOCKER_CONFIG": str(config)}


@contextlib.contextmanager
def running_registry(folder: Path) -> Iterator[Registry]:
    """A registry whose data, certificate, password file and Docker config are in `folder`."""
    if not BINARY.exists():
        raise RuntimeError(f"no {BINARY}: `bash scripts/dev test` installs it")
    password = secrets.token_urlsafe(12)
    host = f"127.0.0.1:{free_port()}"
    config = _config(folder, host, password)
    with (folder / "registry.log").open("w") as log:
        server = subprocess.Popen([BINARY, "serve", config], stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_auth_challenge(f"https://{host}/v2/", time.monotonic() + 30)
            docker_login(host, password, folder / "docker")
            yield Registry(host, password, folder / "docker")
        finally:
            server.terminate()
            server.wait(timeout=30)


def docker_login(host: str, password: str, config: Path) -> None:
    argv = ["docker", "--config", str(config), "login", host, "-u", USER, "--password-stdin"]
    subprocess.run(argv, input=password, text=True, check=True, capture_output=True)


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A one-day certificate for 127.0.0.1 and its key, in folder: (name.crt, name.key)."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    argv = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    argv += ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(argv, check=True, capture_output=True)
    return cert, key


def _config(folder: Path, host: str, password: str) -> Path:
    cert, key = self_signed(folder, "registry")
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
    (folder / "htpasswd").write_text(f"{USER}:{hashed}\n")
    config = folder / "config.yml"
    config.write_text(
        f"version: 0.1\nlog: {{level: warn}}\nstorage: {{filesystem: {{rootdirectory: {folder / 'data'}}}}}\n"
        f"http: {{addr: '{host}', tls: {{certificate: {cert}, key: {key}}}}}\n"
        f"auth: {{htpasswd: {{realm: lab-tests, path: {folder / 'htpasswd'}}}}}\n"
    )
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_auth_challenge(url: str, deadline: float) -> None:
    """The registry is up when /v2/ asks for credentials over TLS."""
    insecure = ssl._create_unverified_context()  # noqa: S323 - our own throwaway certificate
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2, context=insecure)  # noqa: S310
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the registry did not answer at {url}")
