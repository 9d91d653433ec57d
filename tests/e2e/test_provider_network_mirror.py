"""Terraform providers from a network mirror, as a class server or CI serves them: the filesystem
mirror this machine built is packed by scripts/pack-provider-mirror, served over HTTPS by a plain
static server, and `lab up` in a fresh state root with LAB_PROVIDER_MIRROR_URL set installs the
docker provider from it (Terraform asks for its index, version list and archive) into its plugin
cache; down leaves nothing else."""

from __future__ import annotations

import http.server
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import pytest

from provisioner.core import paths
from tests.helpers import docker_leftovers, lab, state_leftovers
from tests.registry_server import self_signed

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

ROOT = Path(__file__).parents[2]
INSTANCE = f"net{os.getpid()}"
PROVIDER = "/registry.terraform.io/kreuzwerker/docker/"


class Static(http.server.SimpleHTTPRequestHandler):
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.asked.append(self.path)
        super().do_GET()

    def log_message(self, *_a: Any) -> None:
        pass


@pytest.fixture
def served_mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The packed mirror on https://127.0.0.1:PORT/, and the certificate Terraform must trust."""
    if not any(paths.provider_mirror().glob("registry.terraform.io/kreuzwerker/docker/*")):
        pytest.skip("no filesystem provider mirror here to pack (online machines use the registry)")
    mirror = tmp_path / "mirror"
    subprocess.run([sys.executable, ROOT / "scripts" / "pack-provider-mirror", mirror], check=True, capture_output=True)
    cert, key = self_signed(tmp_path, "mirror")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Static, directory=str(mirror)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Static.asked = []
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", cert
    finally:
        server.shutdown()


def test_providers_install_from_a_network_mirror(served_mirror: tuple[str, Path], lab_home: Path) -> None:
    url, cert = served_mirror
    # Go's TLS (Terraform's) reads SSL_CERT_FILE: it trusts the mirror's own certificate only.
    env = os.environ | {"LAB_PROVIDER_MIRROR_URL": url, "SSL_CERT_FILE": str(cert)}
    try:
        lab("up", "dockerlab", "-i", INSTANCE, env=env)
        asked = [p for p in Static.asked if p.startswith(PROVIDER)]
        assert f"{PROVIDER}index.json" in asked and any(p.endswith("_linux_amd64.zip") for p in asked), Static.asked
    finally:
        lab("down", "dockerlab", "-i", INSTANCE, check=False, env=env)
    assert docker_leftovers(INSTANCE) == []
    # the provider stays in the state root's plugin cache, for the next `up`
    assert [p for p in state_leftovers(lab_home) if not p.startswith("plugin-cache/")] == []
