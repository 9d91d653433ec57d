"""The docker backend against the real engine, provider and Ansible, on the docker test lab."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import docker_leftovers, endpoints, lab, resource, secrets, state_leftovers, wait_for_ledger

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


def psql(endpoint: str, password: str, query: str) -> str:
    env = os.environ | {"PGPASSWORD": password}
    return subprocess.run(
        ["psql", f"postgresql://postgres@{endpoint}/postgres", "-XAtc", query],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout


def test_two_instances_side_by_side_isolated_and_cleaned_up(lab_home: Path) -> None:
    lab("up", "dockerlab", "-i", "a")
    lab("up", "dockerlab", "-i", "b")
    a, b = endpoints("dockerlab", "a"), endpoints("dockerlab", "b")
    assert a["postgres"] != b["postgres"] and a["postgres"].startswith("127.0.0.1:")
    assert (
        psql(a["postgres"], secrets("dockerlab", "a")["postgres_password"], "SELECT count(*) FROM greetings") == "3\n"
    )
    # a's password is not b's: credentials are per instance
    assert secrets("dockerlab", "a")["postgres_password"] != secrets("dockerlab", "b")["postgres_password"]
    # a's container cannot reach b's database, by name or by address
    b_ip = subprocess.run(
        [
            "docker",
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            resource("dockerlab", "b", "postgres"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    probe = "import socket,sys; socket.create_connection((sys.argv[1], 5432), timeout=3)"
    for target in (b_ip, resource("dockerlab", "b", "postgres")):
        reach = subprocess.run(
            ["docker", "exec", resource("dockerlab", "a", "redis"), "python3", "-c", probe, target],
            capture_output=True,
            text=True,
            check=False,
        )
        assert reach.returncode != 0, f"a reached b at {target}"
    lab("down", "dockerlab", "-i", "a")
    assert docker_leftovers("a") == []
    assert docker_leftovers("b") != []
    lab("down", "dockerlab", "-i", "b")
    assert docker_leftovers("a", "b") == [] and state_leftovers(lab_home) == []


def test_configuration_is_idempotent(lab_home: Path) -> None:
    from provisioner.backends.common.ansible import changed_count, run_playbook
    from provisioner.backends.docker.backend import DockerBackend
    from provisioner.core.state import InstanceRef, Store
    from provisioner.definitions.catalog import load
    from provisioner.lifecycle.steps import Context

    lab("up", "dockerlab")
    ctx = Context(InstanceRef("dockerlab"), Store(InstanceRef("dockerlab")), load("dockerlab"))
    backend = DockerBackend()
    from provisioner.backends.common.configure import playbook_vars
    from provisioner.core.paths import ANSIBLE_DIR

    stats = run_playbook(
        ANSIBLE_DIR / "labs" / "dockerlab" / "site.yml",
        backend.inventory(ctx),
        ctx.store.path("ansible"),
        extravars=playbook_vars(ctx),
    )
    assert changed_count(stats) == 0
    lab("down", "dockerlab")


def test_engine_not_running_is_one_line_and_the_fix(lab_home: Path) -> None:
    env = os.environ | {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    result = lab("up", "dockerlab", check=False, env=env)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert lines[-2] == "error: the Docker engine is not running (`docker info` got no answer)"
    assert lines[-1].startswith("  fix: ")


def test_a_taken_port_is_reported_with_its_owner(lab_home: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        # The instance holds this port from an earlier `up` (a table of the previous layout, which
        # lab adopts), and another process has taken it since.
        lab_home.mkdir(parents=True, exist_ok=True)
        (lab_home / "ports.json").write_text(json.dumps({str(port): ["dockerlab/default", "postgres"]}))
        (lab_home / "instances/dockerlab/default").mkdir(parents=True)
        result = lab("up", "dockerlab", check=False)
    assert result.returncode == 3
    assert f"error: port 127.0.0.1:{port} for 'postgres' is taken by pid {os.getpid()}" in result.stderr
    assert docker_leftovers("default") == []


def test_gc_removes_only_this_state_roots_labelled_orphans(lab_home: Path) -> None:
    from provisioner.backends.docker.backend import home_label

    def container(name: str, *labels: str) -> None:
        argv = ["docker", "run", "-d", "--name", name, *[a for label in labels for a in ("--label", label)]]
        subprocess.run([*argv, "lab/debian:bookworm", "sleep", "300"], check=True, capture_output=True)

    container("lab-ghost", "org.lab.instance=ghost/x", home_label())
    container("lab-other-home", "org.lab.instance=ghost/x", "org.lab.home=000000000000")  # not ours
    container("not-ours")
    try:
        listed = json.loads(lab("gc", "--output", "json").stdout)
        assert [o["instance"] for o in listed["orphans"]] == ["ghost/x"]
        lab("gc", "--yes")
        names = subprocess.run(
            ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True, check=True
        ).stdout.split()
        assert "lab-ghost" not in names and "not-ours" in names and "lab-other-home" in names
    finally:
        subprocess.run(
            ["docker", "rm", "-f", "lab-ghost", "not-ours", "lab-other-home"], capture_output=True, check=False
        )


def test_the_same_instance_from_another_state_root_runs_beside_it(lab_home: Path, tmp_path: Path) -> None:
    """Two users of one class server (or two state roots of one) each run the same lab: names
    carry the owner, so neither adopts nor removes the other's containers or data."""
    lab("up", "dockerlab", "-i", "twin")
    other = os.environ | {"LAB_HOME": str(tmp_path / "other-home")}
    lab("up", "dockerlab", "-i", "twin", env=other)
    lab("down", "dockerlab", "-i", "twin", env=other)
    rows = psql(
        endpoints("dockerlab", "twin")["postgres"],
        secrets("dockerlab", "twin")["postgres_password"],
        "SELECT count(*) FROM greetings",
    )
    assert rows == "3\n"  # the first sandbox and its data are untouched
    lab("down", "dockerlab", "-i", "twin")
    assert docker_leftovers("twin") == []


@pytest.mark.parametrize(("step", "after"), [("apply", 0.0), ("apply", 1.0), ("configure", 0.0)])
def test_an_up_killed_midway_then_up_again_is_ready_and_down_leaves_nothing(
    lab_home: Path, step: str, after: float
) -> None:
    """Terraform goes on after lab is killed, perhaps while PostgreSQL makes its database: the
    next `up` must wait for it, then start again from nothing, not adopt a half-made sandbox."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "up", "dockerlab"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_ledger(lab_home / "instances/dockerlab/default", step)
    time.sleep(after)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    again = lab("up", "dockerlab")
    assert "ready in" in again.stdout and "did not finish: removing what it left first" in again.stderr
    lab("down", "dockerlab")
    assert docker_leftovers("default") == [] and state_leftovers(lab_home) == []
