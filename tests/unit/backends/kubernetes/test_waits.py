"""Waiting until a namespace's workloads are ready, and until a deleted namespace is gone; past a
deadline, the error says what held it up in the cluster's own words."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.backends.kubernetes import cluster, waits
from provisioner.backends.kubernetes.names import LABEL_COMPONENT
from provisioner.core.errors import InfraError
from tests.unit.backends.kubernetes.fake_api import FakeServer

NS = "lab-mod-008-ada"
READY = {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1}
CRASHED = {
    "name": "postgres",
    "image": "lab/postgres:0123abcd",
    "imageID": "",
    "ready": False,
    "restartCount": 4,
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}},
    "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}},
}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waits, "POLL_SECONDS", 0)


@pytest.fixture
def applied(client: Any, server: FakeServer, objects: list[dict[str, Any]]) -> FakeServer:
    cluster.apply(client, objects)
    return server


def workloads(server: FakeServer) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in server.store.values() if o["kind"] in ("Deployment", "StatefulSet")}


def pod(name: str, component: str, status: dict[str, Any]) -> dict[str, Any]:
    meta = {"name": name, "namespace": NS, "labels": {LABEL_COMPONENT: component}}
    spec = {"containers": [{"name": component, "image": f"lab/{component}:0123abcd"}]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def test_ready_once_every_workload_has_its_replicas(client: Any, applied: FakeServer) -> None:
    said: list[str] = []

    def progress(line: str) -> None:  # the pods come up between two polls
        said.append(line)
        for w in workloads(applied).values():
            w["status"] = READY

    waits.wait_ready(client, NS, 60, progress)
    assert said == ["0/3 workloads ready", "3/3 workloads ready"]


def test_a_status_from_before_the_last_apply_is_not_ready(client: Any, applied: FakeServer) -> None:
    for w in workloads(applied).values():
        w["status"], w["metadata"]["generation"] = READY, 2
    with pytest.raises(InfraError, match="was not ready after 0 s"):
        waits.wait_ready(client, NS, 0, lambda _: None)


def test_the_deadline_names_the_workload_and_its_pods_reason(client: Any, applied: FakeServer) -> None:
    for name, w in workloads(applied).items():
        w["status"] = READY if name != "postgres" else {"observedGeneration": 1, "replicas": 1}
    applied.put(pod("postgres-0", "postgres", {"phase": "Running", "containerStatuses": [CRASHED]}))
    with pytest.raises(InfraError) as e:
        waits.wait_ready(client, NS, 0, lambda _: None)
    assert e.value.message == (
        f"{NS} was not ready after 0 s: StatefulSet postgres: pod postgres-0 CrashLoopBackOff "
        "(last exit 1, Error): back-off 40s restarting failed container"
    )
    assert "LAB_TIMEOUT_SCALE" in str(e.value.fix)


def test_a_pod_no_node_takes_gives_the_schedulers_message(client: Any, applied: FakeServer) -> None:
    unscheduled = {
        "type": "PodScheduled",
        "status": "False",
        "message": "0/1 nodes are available: 1 Insufficient memory.",
    }
    applied.put(pod("redis-5d9c", "redis", {"phase": "Pending", "conditions": [unscheduled]}))
    with pytest.raises(InfraError, match=r"Deployment redis: pod redis-5d9c Pending: 0/1 nodes are available: 1 Insuf"):
        waits.wait_ready(client, NS, 0, lambda _: None)


def test_a_workload_without_pods_says_why_none_was_made(client: Any, applied: FakeServer) -> None:
    why = 'pods "postgres-0" is forbidden: exceeded quota: lab'
    meta = {"name": "postgres.17f", "namespace": NS}
    event = {"kind": "Event", "metadata": meta, "involvedObject": {"kind": "StatefulSet", "name": "postgres"}}
    applied.put(event | {"apiVersion": "v1", "type": "Warning", "reason": "FailedCreate", "message": why})
    with pytest.raises(InfraError, match=f"StatefulSet postgres: no pod: FailedCreate: {why}"):
        waits.wait_ready(client, NS, 0, lambda _: None)


def test_delete_waits_until_the_namespace_is_gone(client: Any, applied: FakeServer) -> None:
    applied.calls.clear()
    waits.delete(client, NS, 60)
    assert [(c.method, c.path) for c in applied.calls] == [("DELETE", f"/api/v1/namespaces/{NS}")] + [
        ("GET", f"/api/v1/namespaces/{NS}")
    ] * 3  # Terminating, Terminating, then 404
    assert applied.calls[0].query["propagationPolicy"] == "Foreground"


def test_a_namespace_already_gone_is_fine(client: Any, server: FakeServer) -> None:
    waits.delete(client, NS, 60)
    assert [c.method for c in server.calls] == ["DELETE", "GET"]


def test_a_namespace_that_stays_says_what_is_left(client: Any, applied: FakeServer) -> None:
    left = {"type": "NamespaceContentRemaining", "status": "True", "message": "persistentvolumeclaims has 2 instances"}
    applied.store[f"/api/v1/namespaces/{NS}"]["status"] = {"conditions": [left]}
    applied.reads_after_delete = 1000
    with pytest.raises(InfraError, match="NamespaceContentRemaining: persistentvolumeclaims has 2 instances") as e:
        waits.delete(client, NS, 0)
    assert f"kubectl describe namespace {NS}" in str(e.value.fix)
