"""The release's own checks: configuration, secrets at rest and TLS settings."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from capstone import ops

AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----"


@pytest.mark.parametrize("environment", ops.ENVIRONMENTS)
def test_config_is_complete_and_holds_no_secret(environment):
    config = ops.load_config(environment)
    assert config["environment"] == environment
    assert config["url"].startswith("https://"), "clients reach the service over HTTPS only"
    assert config["model_name"] in {"iris-classifier", "iris-forest"}
    assert config["log_level"] in {"DEBUG", "INFO", "WARNING"}
    assert not any(word in key.lower() for key in config for word in ("password", "token", "secret"))


def test_staging_and_prod_differ_only_where_intended():
    staging, prod = ops.load_config("staging"), ops.load_config("prod")
    assert {k for k in staging if staging[k] != prod.get(k)} <= {"environment", "url", "agent", "log_level"}


@pytest.mark.parametrize("environment", ops.ENVIRONMENTS)
def test_secrets_are_committed_encrypted_only(environment):
    encrypted = ops.ROOT / "secrets" / f"{environment}.env.age"
    assert encrypted.is_file(), f"{encrypted.name} is missing: encrypt the secrets (secrets/README.md)"
    assert encrypted.read_text().startswith(AGE_ARMOR), "encrypt ASCII-armored (age -a): reviewable in git"
    assert not (ops.ROOT / "secrets" / f"{environment}.env").exists(), "a plaintext secrets file is in the release"


def test_plaintext_secrets_are_ignored_by_git(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text((ops.ROOT / ".gitignore").read_text())
    ignored = subprocess.run(["git", "-C", str(tmp_path), "check-ignore", "-q", "secrets/prod.env"], check=False)
    assert ignored.returncode == 0


def test_tls_is_verified():
    context = ops.tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED, "smoke tests must verify the certificate"
    assert context.check_hostname, "and the host name in it"


def test_parse_env():
    assert ops.parse_env("# comment\nA=1\n\nB = x=y\n") == {"A": "1", "B": "x=y"}
