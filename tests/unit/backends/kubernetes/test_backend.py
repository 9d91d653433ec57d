"""The kubernetes target end to end against the fake API server: up's steps in order and what
they record, `kubectl exec` as the checks' way in, and `down` from state alone."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from provisioner import backends
from provisioner.backends.docker import images
from provisioner.backends.kind import tools
from provisioner.backends.kubernetes import connection, place, waits
from provisioner.backends.kubernetes.backend import KubernetesBackend
from provisioner.core.errors import InfraError, UsageError
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from provisioner.lifecycle.steps import Context, Options, Target, run_steps
from tests.unit.backends.fake_run import FakeRun
from tests.unit.backends.kubernetes.fake_api import TOKEN, FakeServer
from tests.unit.backends.kubernetes.mod008 import IMAGES

NS = "lab-mod-008-ada"
READY = {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1}
ADMIN = {
    "current-context": "kind-lab",
    "contexts": [{"name": "kind-lab", "context": {"cluster": "kind-lab", "user": "admin"}}],
    "clusters": [
        {"name": "kind-lab", "cluster": {"server": "https://127.0.0.1:40123", "certificate-authority-data": "Q0E="}}
    ],
    "users": [{"name": "admin", "user": {"client-key-data": "QURNSU4tS0VZ"}}],
}


@pytest.fixture
def kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: Any, server: FakeServer) -> Path:
    """A private LAB_HOME, the fake server behind every connection, a node with room, no sleeps."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(connection, "connect", lambda *_: client)
    monkeypatch.setattr(waits, "POLL_SECONDS", 0)
    monkeypatch.setattr(place, "kubectl", lambda: "kubectl")
    monkeypatch.setattr(tools, "binary", lambda name: name)
    monkeypatch.delenv("LAB_IMAGE_REGISTRY", raising=False)
    monkeypatch.delenv("LAB_CLUSTER_REGISTRY", raising=False)
    monkeypatch.setattr(images, "ensure_for_instance", lambda *_: {"images": IMAGES, "unavailable": {}})
    server.put({"kind": "Node", "metadata": {"name": "n1"}, "spec": {}, "status": {"allocatable": {"memory": "8Gi"}}})
    for kind, name in (("statefulsets", "postgres"), ("deployments", "redis"), ("statefulsets", "workstation")):
        server.store[f"/apis/apps/v1/namespaces/{NS}/{kind}/{name}"] = {"status": READY}  # apply keeps it
    path = tmp_path / "admin.yaml"
    path.write_text(yaml.safe_dump(ADMIN))
    return path


def made(lab: Lab, kubeconfig: Path, run: FakeRun | None = None) -> Context:
    """Up on the fake API; commands (kind load, docker push) go to `run`."""
    store = Store(InstanceRef("mod-008", "ada"))
    store.update(student="ada", backend="kubernetes")  # as `up` records before its steps
    options = Options(target=Target("kubernetes", str(kubeconfig)))
    ctx = Context(store.ref, store, lab, KubernetesBackend(run or FakeRun()), options=options)
    run_steps(ctx, ctx.require_backend().up_steps(), "up")
    return ctx


def test_up_runs_its_steps_in_order_and_records_where_and_how_to_reach_the_sandbox(lab: Lab, kubeconfig: Path) -> None:
    ctx = made(lab, kubeconfig)
    done = [e["step"] for e in ctx.store.ledger() if e["event"] == "step-done"]
    assert done == ["prepare", "images", "connect", "deliver", "apply", "wait", "access", "configure"]
    state = ctx.store.load()
    assert state.target == "kubernetes" and state.cluster is not None
    assert (state.cluster.kubeconfig, state.cluster.context, state.cluster.namespace) == (str(kubeconfig), None, NS)
    assert state.hosts["postgres"] == {"container": "postgres", "workload": "statefulset/postgres", "namespace": NS}
    assert state.hosts["redis"]["workload"] == "deployment/redis"
    assert state.endpoints == {"postgres": "127.0.0.1:5432", "redis": "127.0.0.1:6379"}
    student = Path(str(state.cluster.student_kubeconfig))
    assert state.port_forward[0] == (
        f"kubectl --kubeconfig {student} --namespace {NS} port-forward --address 127.0.0.1 service/postgres 5432:5432"
    )


def test_on_kind_the_images_are_loaded_and_the_workloads_name_the_local_tags(
    lab: Lab, kubeconfig: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tools, "binary", lambda name: name)
    run = FakeRun()
    made(lab, kubeconfig, run)  # its context is kind-lab
    assert [c[:3] + c[-4:] for c in run.calls] == [["kind", "load", "docker-image", "--name", "lab", "--nodes", "n1"]]
    applied = server.store[f"/apis/apps/v1/namespaces/{NS}/deployments/redis"]
    assert applied["spec"]["template"]["spec"]["containers"][0]["image"] == IMAGES["redis"]


def test_elsewhere_the_workloads_name_the_registry_s_references(
    lab: Lab, kubeconfig: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    kubeconfig.write_text(kubeconfig.read_text().replace("kind-lab", "school"))
    monkeypatch.setenv("LAB_IMAGE_REGISTRY", "registry.school.edu")
    ctx = made(lab, kubeconfig)
    applied = server.store[f"/apis/apps/v1/namespaces/{NS}/deployments/redis"]
    assert applied["spec"]["template"]["spec"]["containers"][0]["image"] == f"registry.school.edu/{IMAGES['redis']}"
    assert ctx.store.load().images["postgres"] == f"registry.school.edu/{IMAGES['postgres']}"


def test_the_student_kubeconfig_is_private_and_holds_their_token_only(lab: Lab, kubeconfig: Path) -> None:
    state = made(lab, kubeconfig).store.load()
    student = Path(str(state.cluster.student_kubeconfig if state.cluster else ""))
    assert stat.S_IMODE(student.stat().st_mode) == 0o600
    written = student.read_text()
    assert TOKEN in written and "QURNSU4tS0VZ" not in written
    assert yaml.safe_load(written)["contexts"][0]["context"]["namespace"] == NS


def test_checks_and_shell_go_through_kubectl_exec_into_the_workload(lab: Lab, kubeconfig: Path) -> None:
    ctx = made(lab, kubeconfig)
    head = ["kubectl", "--kubeconfig", str(kubeconfig), "--namespace", NS, "exec"]
    assert ctx.require_backend().exec_argv(ctx, "redis", ["redis-cli", "PING"]) == [
        *head, "deployment/redis", "--container", "redis", "--", "redis-cli", "PING",
    ]  # fmt: skip
    shell = backends.shell_argv("mod-008", "ada", "postgres", [], tty=True)
    assert shell == [*head, "-i", "-t", "statefulset/postgres", "--container", "postgres", "--", "bash"]


def test_down_from_state_alone_deletes_the_namespace_and_waits_until_it_is_gone(
    lab: Lab, kubeconfig: Path, server: FakeServer
) -> None:
    ctx = made(lab, kubeconfig)
    server.calls.clear()
    alone = Context(ctx.ref, Store(ctx.ref), None, backends.get(str(ctx.store.load().backend)))
    run_steps(alone, alone.require_backend().down_steps(), "down")
    assert [c.path for c in server.calls if c.method == "DELETE"] == [f"/api/v1/namespaces/{NS}"]
    assert f"/api/v1/namespaces/{NS}" not in server.store


def test_down_of_an_up_that_never_reached_the_cluster_calls_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(connection, "connect", pytest.fail)
    store = Store(InstanceRef("mod-008", "ada"))
    store.update(backend="kubernetes", status="failed")
    ctx = Context(store.ref, store, None, KubernetesBackend())
    run_steps(ctx, ctx.require_backend().down_steps(), "down")


def test_only_container_labs_go_on_a_cluster() -> None:
    with pytest.raises(UsageError, match="mod-002 is a vm lab: --target kubernetes places container") as caught:
        backends.for_lab(catalog.load("mod-002"), "kubernetes")
    assert caught.value.fix == "run `lab up mod-002` without --target"
    assert isinstance(backends.for_lab(catalog.load("mod-008")), backends.get("docker").__class__)


def test_a_second_cluster_for_one_instance_is_refused(lab: Lab, kubeconfig: Path, tmp_path: Path) -> None:
    ctx = made(lab, kubeconfig)
    other = tmp_path / "other.yaml"
    other.write_text(kubeconfig.read_text())
    ctx.options = Options(target=Target("kubernetes", str(other)))
    with pytest.raises(UsageError, match=f"is on the cluster of {kubeconfig}"):
        ctx.require_backend().step("connect").action(ctx)


def test_a_cohort_is_refused_before_anything_is_made_when_the_cluster_is_short(
    lab: Lab, kubeconfig: Path, server: FakeServer
) -> None:
    target = Target("kubernetes", str(kubeconfig))
    with pytest.raises(InfraError, match="9 of 20 students fit at 896 MB each"):
        KubernetesBackend().check_room(lab, target, 20)
    assert not [c for c in server.calls if c.method != "GET"]
