"""labs/project-05 (the production capstone) on the docker backend, seen from the host: HTTPS that
verifies against the sandbox's own CA and nothing else, environments that serve nothing until the
pipeline deploys, application secrets that never reach the container's configuration, a broken
release rolled back by the deploy agent, idempotent configuration, nothing left after down."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.playbooks import changes_on_second_run
from tests.helpers import docker_leftovers, lab, resource, secrets, state_leftovers, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "project-05"
# Resource names carry lab and instance on a shared engine: an instance of its own per test run.
INSTANCE = f"e2e{os.getpid()}"

# Run in the workstation: the staging secrets (decrypted as deploy.py does) with a model that
# does not exist, then the same with a wrong deploy token.
BROKEN_RELEASE = """
import json, os, sys
sys.path.insert(0, "/home/learner/capstone/src")
from capstone import ops
body = {"release": "9.9.9-broken", "config": {"MODEL_NAME": "no-such-model"}, "secrets": ops.read_secrets("staging")}
print(json.dumps([ops.http_json("http://staging:9000/deploy", body, token=os.environ["DEPLOY_TOKEN"]),
                  ops.http_json("http://staging:9000/deploy", body, token="not-the-token")]))
"""


def get(url: str, context: ssl.SSLContext | None = None) -> Any:
    with urllib.request.urlopen(url, timeout=15, context=context) as resp:  # noqa: S310 - loopback endpoints
        body = resp.read()
        return json.loads(body) if body.startswith(b"{") else body


def test_tls_deploys_secrets_and_rollback_then_nothing_left(lab_home: Path, tmp_path: Path) -> None:
    lab("up", LAB, "-i", INSTANCE)
    try:
        [row] = [r for r in status() if r["lab"] == LAB and r["instance"] == INSTANCE]
        assert row["state"] == "ready"
        eps = row["endpoints"]
        ca = tmp_path / "ca.crt"
        ca.write_bytes(get(f"{eps['http']}/ca.crt"))
        trusted = ssl.create_default_context(cafile=str(ca))

        # The proxy verifies against the handed-over CA (127.0.0.1 is in the certificate), and
        # against nothing else; before the pipeline deploys, prod has nothing to serve.
        with pytest.raises(urllib.error.HTTPError) as nothing_yet:
            get(f"{eps['prod']}/health", trusted)
        assert nothing_yet.value.code == 502
        with pytest.raises(urllib.error.URLError) as untrusted:
            get(f"{eps['prod']}/health")
        assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)
        assert changes_on_second_run(LAB, INSTANCE) == {"labs/project-05/site.yml": 0}

        # Every milestone's solution: encrypted secrets, TLS-verifying smoke tests, the pipeline
        # to staging and prod, the backup drill.
        lab("solve", LAB, "-i", INSTANCE)
        prod = get(f"{eps['prod']}/health", trusted)
        staging = get(f"{eps['staging']}/health", trusted)
        assert (prod["environment"], prod["database"], staging["environment"]) == ("prod", "ok", "staging")
        assert prod["app_version"] == staging["app_version"]

        # Application secrets were injected at deploy time: they are in no container's
        # configuration (only the deploy token is), and not in the repository in plaintext.
        creds = secrets(LAB, INSTANCE)
        config = subprocess.run(
            ["docker", "inspect", resource(LAB, INSTANCE, "prod"), resource(LAB, INSTANCE, "staging")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for name in ("prod_api_token", "prod_db_password", "staging_api_token", "staging_db_password"):
            assert creds[name] not in config, name

        # A release that cannot become healthy is rolled back; the agent wants its token.
        probe = subprocess.run(
            ["docker", "exec", "-i", resource(LAB, INSTANCE, "workstation"), "python3", "-"],
            input=BROKEN_RELEASE,
            capture_output=True,
            text=True,
            check=True,
            timeout=180,
        )
        (code, answer), (denied, _) = json.loads(probe.stdout)
        assert code == 502 and answer["rolled_back_to"] == staging["app_version"], answer
        assert denied == 401
        assert get(f"{eps['staging']}/health", trusted)["app_version"] == staging["app_version"]
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
