"""labs/mod-003 (a Git server over SSH and a workstation) on the docker backend: key-only SSH on
127.0.0.1, a host key per container, the learner's key working, idempotent configuration."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.playbooks import changes_on_second_run
from tests.helpers import docker_leftovers, endpoints, lab, resource, state_leftovers

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LAB = "mod-003"
# Resource names carry lab and instance on a shared engine: an instance of its own per test run.
INSTANCE = f"e2e{os.getpid()}"


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=60)


def test_key_only_git_over_ssh_then_nothing_left(lab_home: Path, tmp_path: Path) -> None:
    lab("up", LAB, "-i", INSTANCE)
    try:
        host, port = endpoints(LAB, INSTANCE)["ssh"].rsplit(":", 1)
        workstation, server = resource(LAB, INSTANCE, "workstation"), resource(LAB, INSTANCE, "git-server")
        assert host == "127.0.0.1"
        known = tmp_path / "known_hosts"
        # Without an authorised key nobody gets in, and passwords are not even offered.
        options = [
            "BatchMode=yes",
            "StrictHostKeyChecking=accept-new",
            f"UserKnownHostsFile={known}",
            "IdentitiesOnly=yes",
            "IdentityFile=/dev/null",
        ]
        ssh = ["ssh", "-p", port, *(arg for o in options for arg in ("-o", o))]
        refused = run(*ssh, f"git@{host}", "git-upload-pack", "mlops.git")
        assert refused.returncode == 255 and "Permission denied (publickey)" in refused.stderr
        # The host key the learner trusts is this container's, and the image has none baked in.
        server_key = known.read_text().split()[1:3]
        trusted = run("docker", "exec", workstation, "cat", "/home/learner/.ssh/known_hosts")
        assert trusted.stdout.split()[1:3] == server_key
        tag = run("docker", "inspect", "-f", "{{.Config.Image}}", server).stdout.strip()
        assert run("docker", "run", "--rm", "--entrypoint", "ls", tag, "/etc/ssh").stdout.count("ssh_host_") == 0
        # The learner's own key reaches the repository (what the exercises rely on).
        heads = run("docker", "exec", workstation, "git", "ls-remote", "--heads", "git@git-server:mlops.git")
        assert heads.returncode == 0, heads.stderr
        branches = {line.split("refs/heads/", 1)[1] for line in heads.stdout.splitlines()}
        assert branches >= {"main", "feature/retry-logic", "feature/docs", "feature/no-ticket", "feature/with-ticket"}

        assert json.loads(lab("up", LAB, "-i", INSTANCE, "--output", "json").stdout)["noop"] is True
        assert changes_on_second_run(LAB, INSTANCE) == {"labs/mod-003/site.yml": 0}
    finally:
        lab("down", LAB, "-i", INSTANCE)
    assert docker_leftovers(INSTANCE, lab_id=LAB) == []
    assert state_leftovers(lab_home) == []
