"""The memory a cohort can still have on the cluster, and the refusal when it does not fit."""

from __future__ import annotations

from typing import Any

import pytest

from provisioner.backends.kubernetes.capacity import Capacity, capacity, check_capacity
from provisioner.core.errors import InfraError
from tests.unit.backends.kubernetes.fake_api import FakeServer


def node(name: str, memory: str, **spec: Any) -> dict[str, Any]:
    status = {"allocatable": {"memory": memory, "cpu": "2"}}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "spec": spec, "status": status}


def pod(name: str, on: str | None, *requests: str, phase: str = "Running", init: str | None = None) -> dict[str, Any]:
    containers = [{"name": f"c{i}", "resources": {"requests": {"memory": r}}} for i, r in enumerate(requests)]
    spec: dict[str, Any] = {"containers": containers} | ({"nodeName": on} if on else {})
    if init:
        spec["initContainers"] = [{"name": "init", "resources": {"requests": {"memory": init}}}]
    meta = {"name": name, "namespace": "default"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": {"phase": phase}}


@pytest.fixture
def cluster(server: FakeServer) -> FakeServer:
    """Two 4 GiB workers, a control plane lab pods may not use, pods in every state."""
    server.put(node("worker-1", "4Gi"))
    server.put(node("worker-2", "4194304Ki"))
    server.put(
        node("control-plane", "8Gi", taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])
    )
    server.put(pod("dns", "worker-1", "70Mi", "100Mi"))
    server.put(pod("migrate", "worker-2", "100Mi", init="500Mi"))  # its init container needs more
    server.put(pod("waiting", None, "330Mi", phase="Pending"))  # will take room when scheduled
    server.put(pod("etcd", "control-plane", "2Gi"))  # not on a node lab pods can use
    server.put(pod("done", "worker-1", "3Gi", phase="Succeeded"))  # holds nothing
    return server


def test_free_memory_is_allocatable_less_live_requests(client: Any, cluster: FakeServer) -> None:
    assert capacity(client) == Capacity(allocatable_mb=8192, requested_mb=70 + 100 + 500 + 330)
    assert cluster.calls[-1].query["fieldSelector"] == "status.phase!=Succeeded,status.phase!=Failed"


def test_a_cordoned_node_does_not_count(client: Any, cluster: FakeServer) -> None:
    cluster.put(node("worker-3", "16Gi", unschedulable=True))
    assert capacity(client).allocatable_mb == 8192


def test_a_cohort_that_fits_is_let_through(client: Any, cluster: FakeServer) -> None:
    assert check_capacity(client, 896, 8).free_mb == 7192  # 8 x 896 = 7168


def test_a_cohort_that_does_not_fit_is_told_how_many_do(client: Any, cluster: FakeServer) -> None:
    with pytest.raises(InfraError) as e:
        check_capacity(client, 896, 9)
    assert e.value.message == (
        "the cluster has 7192 MB of memory free for lab pods (8192 MB allocatable, 1000 MB already requested): "
        "8 of 9 students fit at 896 MB each"
    )
    assert "add nodes" in str(e.value.fix)
    assert [c.method for c in cluster.calls] == ["GET", "GET"]  # refused before anything is made
