"""`lab gc` and `down` for Docker: the commands that list resources by label and remove them, and
`down` without Terraform when its label sweep removes all Terraform recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.backends.docker.backend import DockerBackend
from provisioner.backends.docker.orphans import home_label, sweepable
from provisioner.core.state import InstanceRef, Store
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun

SHOW = ' {{.Label "org.lab.instance"}}'


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))


def listing(kind: list[str], fmt: str) -> tuple[str, ...]:
    return ("docker", *kind, "--filter", "label=org.lab.instance", "--filter", f"label={home_label()}", "--format", fmt)


def test_lists_this_state_roots_labelled_resources_of_lost_instances() -> None:
    run = FakeRun(
        {
            listing(["ps", "-a"], "{{.ID}}" + SHOW): "c1 ghost/x\nc2 mine/default\n",
            listing(["network", "ls"], "{{.ID}}" + SHOW): "n1 ghost/x\n",
            listing(["volume", "ls"], "{{.Name}}" + SHOW): "lab-ghost-x-data ghost/x\n",
        }
    )
    found = DockerBackend(run).orphans({"mine/default"})
    assert [(o["kind"], o["id"], o["instance"]) for o in found] == [
        ("container", "c1", "ghost/x"),
        ("network", "n1", "ghost/x"),
        ("volume", "lab-ghost-x-data", "ghost/x"),
    ]
    assert run.calls == [list(argv) for argv in run.answers]


def test_removes_containers_before_the_networks_and_volumes_they_hold() -> None:
    run = FakeRun()
    found = [
        {"backend": "docker", "kind": "volume", "id": "lab-ghost-x-data", "instance": "ghost/x"},
        {"backend": "vm", "kind": "domain", "id": "lab-ghost-x-vm", "instance": "ghost/x"},
        {"backend": "docker", "kind": "network", "id": "n1", "instance": "ghost/x"},
        {"backend": "docker", "kind": "container", "id": "c1", "instance": "ghost/x"},
    ]
    DockerBackend(run).remove_orphans(found)
    assert run.calls == [
        ["docker", "rm", "-f", "-v", "c1"],
        ["docker", "network", "rm", "n1"],
        ["docker", "volume", "rm", "-f", "lab-ghost-x-data"],
    ]


def test_shell_is_docker_exec_in_the_first_container_or_the_named_one() -> None:
    ref = InstanceRef("dockerlab")
    ctx = Context(ref, Store(ref))
    ctx.store.update(name="lab-dockerlab-default", hosts={"app": {"container": "lab-dockerlab-default-app"}, "db": {}})
    backend = DockerBackend(FakeRun())
    login = backend.shell_argv(ctx, None, [], tty=True)
    assert login == ["docker", "exec", "-i", "-t", "lab-dockerlab-default-app", "bash"]
    argv = backend.shell_argv(ctx, "db", ["psql", "-c", "select 1"], tty=False)
    assert argv == ["docker", "exec", "-i", "lab-dockerlab-default-db", "psql", "-c", "select 1"]


def tfstate(tmp_path: Path, *types: str) -> Path:
    resources = [{"mode": "managed", "type": t, "name": "x", "instances": []} for t in types]
    resources.append({"mode": "data", "type": "docker_network", "name": "d", "instances": []})
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps({"version": 4, "resources": resources}))
    return path


def test_a_state_of_labelled_containers_volumes_and_network_is_swept_not_destroyed(tmp_path: Path) -> None:
    assert sweepable(tfstate(tmp_path, "docker_container", "docker_volume", "terraform_data"))
    assert not sweepable(tfstate(tmp_path, "docker_container", "docker_image"))  # Terraform's to remove
    (tmp_path / "terraform.tfstate").write_text("{not json")
    assert not sweepable(tmp_path / "terraform.tfstate")
    assert not sweepable(tmp_path / "absent.tfstate")


def test_down_removes_by_label_without_terraform_and_containers_go_first() -> None:
    ref = InstanceRef("dockerlab")
    ctx = Context(ref, Store(ref))
    backend = DockerBackend(FakeRun())
    workdir = backend.workdir(ctx)
    workdir.mkdir(parents=True)
    tfstate(workdir, "docker_container", "docker_volume", "terraform_data")
    own = ("--filter", f"label=org.lab.instance={ref.key}", "--filter", f"label={home_label()}")
    run = FakeRun(
        {
            ("docker", "ps", "-a", *own): "c1\nc2\n",
            ("docker", "network", "ls", *own): "n1\n",
            ("docker", "volume", "ls", *own): "v1\n",
        }
    )
    backend.run = run
    for step in backend.down_steps():
        step.action(ctx)
    assert not any(argv[0] == "terraform" for argv in run.calls)
    removals = [argv for argv in run.calls if argv[1] in ("rm", "network", "volume") and "ls" not in argv]
    assert removals[0] == ["docker", "rm", "-f", "-v", "c1", "c2"]
    assert sorted(removals[1:]) == [["docker", "network", "rm", "n1"], ["docker", "volume", "rm", "-f", "v1"]]
