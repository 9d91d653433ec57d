"""Lab images through a registry, the way an instructor or CI publishes them: mod-008's images are
pushed to a local CNCF distribution registry (Debian's docker-registry) with TLS and basic auth
on, as users run one; removed here; then `lab up mod-008` with LAB_IMAGE_REGISTRY set pulls them
and builds nothing. Credentials the registry refuses stop `up` with exit 3 and one line; a
missing tag or a registry that does not answer is one line each; `lab images pull` fetches what
is missing, building nothing. Runs before the catalog smoke
starts (marker solo): it removes images the smoke would use."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import docker_leftovers, lab, state_leftovers
from tests.registry_server import BINARY, USER, Registry, docker_login, free_port, running_registry

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.solo]

LAB = "mod-008"
INSTANCE = f"reg{os.getpid()}"


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    if not BINARY.exists():
        pytest.fail(f"no {BINARY}: `bash scripts/dev test` installs it")
    with running_registry(tmp_path) as running:
        yield running


def test_pushed_images_are_pulled_not_built_and_refused_credentials_exit_3(
    registry: Registry, lab_home: Path, tmp_path: Path
) -> None:
    pushed = lab("images", "push", LAB, "--output", "json", env=registry.env()).stdout
    tags = [ref.removeprefix(f"{registry.host}/") for name, ref in json.loads(pushed).items() if name != "debian"]
    assert tags and all(t.startswith("lab/") for t in tags), pushed
    try:
        subprocess.run(["docker", "rmi", *tags], check=True, capture_output=True)
        listed = json.loads(lab("images", "list", LAB, "--output", "json", env=registry.env()).stdout)
        assert {(r["tag"], r["local"] != "present", r["remote"]) for r in listed} == {
            (t, True, "present") for t in tags
        }
        up = lab("up", LAB, "-i", INSTANCE, env=registry.env())
        assert [t for t in tags if f"pulled {t} from {registry.host}" not in up.stderr] == [], up.stderr
        assert "building lab/" not in up.stderr, up.stderr
        lab("down", LAB, "-i", INSTANCE)

        subprocess.run(["docker", "rmi", tags[0]], check=True, capture_output=True)
        docker_login(registry.host, registry.password, tmp_path / "other")  # a config with a wrong password:
        (tmp_path / "other" / "config.json").write_text(
            (tmp_path / "other" / "config.json")
            .read_text()
            .replace(_b64(f"{USER}:{registry.password}"), _b64(f"{USER}:wrong"))
        )
        refused = lab("up", LAB, "-i", INSTANCE, check=False, env=registry.env(tmp_path / "other"))
        assert refused.returncode == 3, refused.stderr
        assert f"error: the registry {registry.host} refused the credentials" in refused.stderr
        assert "Traceback" not in refused.stderr

        # a registry that lacks the tag (an empty prefix of it), one that does not answer: one line
        # each, nothing pulled, and `up` would build the image here
        name = next(r["image"] for r in listed if r["tag"] == tags[0])
        for where, says in (
            (f"{registry.host}/empty", "has no"),
            (f"127.0.0.1:{free_port()}", "cannot be reached for"),
        ):
            missed = lab("images", "pull", LAB, "--output", "json", env=registry.env() | {"LAB_IMAGE_REGISTRY": where})
            assert json.loads(missed.stdout)[name] == "not pulled: `up` builds it here", missed.stdout
            assert f"the registry {where} {says} {tags[0]} (" in missed.stderr, missed.stderr

        pulled = lab("images", "pull", LAB, "--output", "json", env=registry.env()).stdout
        assert sorted(json.loads(pulled).values()) == sorted(tags), pulled  # before class: pulled, nothing built
    finally:
        lab("down", LAB, "-i", INSTANCE, check=False)
        lab("images", "build", LAB, env=registry.env())  # what was removed comes back, pulled
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    # the refused `up` kept its diagnostics bundle, as every failed `up` does
    assert [p for p in state_leftovers(lab_home) if not p.startswith("diagnostics/")] == []


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
