"""Whether a cohort fits the cluster, asked before anything is made: the memory the scheduler can
still give (nodes' allocatable minus what pods already request), since a namespace's quota and
its pods' requests are the lab's declared memory, and a pod that does not fit stays Pending."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from provisioner.backends.kubernetes.api import REQUEST_SECONDS, calling, core
from provisioner.core.errors import InfraError

MIB = 1024 * 1024
# Pods that still hold their requests: the scheduler counts all but finished ones.
LIVE = "status.phase!=Succeeded,status.phase!=Failed"
BARRED = {"NoSchedule", "NoExecute"}  # lab pods tolerate no taint


@dataclass(frozen=True)
class Capacity:
    allocatable_mb: int  # of the nodes lab pods may go to
    requested_mb: int  # by the live pods on them, or waiting for one

    @property
    def free_mb(self) -> int:
        return max(0, self.allocatable_mb - self.requested_mb)


def capacity(client: Any) -> Capacity:
    """A sum over nodes, not a fit per node: a student's pods may land on different nodes."""
    with calling(client, "list the nodes and pods"):
        nodes = [n for n in core(client).list_node(_request_timeout=REQUEST_SECONDS).items if schedulable(n)]
        pods = core(client).list_pod_for_all_namespaces(field_selector=LIVE, _request_timeout=REQUEST_SECONDS)
    names = {n.metadata.name for n in nodes}
    allocatable = sum(_bytes(n.status.allocatable.get("memory", "0")) for n in nodes)
    requested = sum(_requested(p) for p in pods.items if p.spec.node_name in names or not p.spec.node_name)
    return Capacity(int(allocatable // MIB), int(requested // MIB))


def check_capacity(client: Any, needed_memory_mb: int, students: int) -> Capacity:
    """Refuse a cohort of `students` sandboxes of `needed_memory_mb` each that does not fit."""
    room = capacity(client)
    fit = room.free_mb // max(1, needed_memory_mb)
    if fit < students:
        raise InfraError(
            f"the cluster has {room.free_mb} MB of memory free for lab pods ({room.allocatable_mb} MB "
            f"allocatable, {room.requested_mb} MB already requested): {fit} of {students} students fit "
            f"at {needed_memory_mb} MB each",
            "provision fewer students at once, or add nodes to the cluster",
        )
    return room


def schedulable(node: Any) -> bool:
    """A node lab pods can be scheduled on: not cordoned, and no taint that bars them."""
    barred = [t for t in node.spec.taints or [] if t.effect in BARRED]
    return not node.spec.unschedulable and not barred


def _requested(pod: Any) -> float:
    """What the scheduler reserves: the containers' requests, or the largest init container's
    when that is more (init containers run one at a time, before the rest), plus overhead."""
    ran = sum(_memory(c) for c in pod.spec.containers or [])
    first = max((_memory(c) for c in pod.spec.init_containers or []), default=0.0)
    return max(ran, first) + _bytes((pod.spec.overhead or {}).get("memory", "0"))


def _memory(container: Any) -> float:
    requests = container.resources.requests if container.resources else None
    return _bytes((requests or {}).get("memory", "0"))


def _bytes(quantity: str) -> float:
    from kubernetes.utils import parse_quantity  # as in api.core(): `lab --help` stays fast

    return float(parse_quantity(quantity))
