"""Waiting on a namespace, always with a deadline: until its workloads are ready, and until it is
gone. Past the deadline, an InfraError says what held it up, in the cluster's own words."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from provisioner.backends.kubernetes.api import REQUEST_SECONDS, apps, calling, core, namespace_or_none, status
from provisioner.backends.kubernetes.pods import why_not_ready
from provisioner.core.errors import InfraError

POLL_SECONDS = 2.0
SLOW = "a slow cluster or image pulls: LAB_TIMEOUT_SCALE=2"
Pending = TypeVar("Pending")


def until(seconds: float, pending: Callable[[], Pending | None]) -> Pending | None:
    """Ask `pending` until it says nothing is left (None) or `seconds` pass; what is left then."""
    deadline = time.monotonic() + seconds
    while (left := pending()) is not None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    return left


def wait_ready(client: Any, namespace: str, deadline_seconds: float, progress: Callable[[str], None]) -> None:
    """Until every Deployment and StatefulSet has its replicas ready; progress says "1/3
    workloads ready" at each change. Past the deadline, name each late one and why."""
    said: list[str] = []

    def late() -> list[Any] | None:
        workloads = _workloads(client, namespace)
        waiting = [w for w in workloads if not _ready(w)]
        line = f"{len(workloads) - len(waiting)}/{len(workloads)} workloads ready"
        if line not in said[-1:]:
            progress(line)
            said.append(line)
        return waiting or None

    left = until(deadline_seconds, late)
    if left:
        why = "; ".join(f"{w.kind} {w.metadata.name}: {why_not_ready(client, namespace, w)}" for w in left)
        raise InfraError(f"{namespace} was not ready after {deadline_seconds:.0f} s: {why}", SLOW)


def _workloads(client: Any, namespace: str) -> list[Any]:
    with calling(client, f"list the workloads of {namespace}"):
        found = []
        for kind, listing in (
            ("Deployment", apps(client).list_namespaced_deployment),
            ("StatefulSet", apps(client).list_namespaced_stateful_set),
        ):
            for item in listing(namespace, _request_timeout=REQUEST_SECONDS).items:
                item.kind = kind  # list items come without it
                found.append(item)
        return found


def _ready(workload: Any) -> bool:
    """Ready replicas of the current spec: a status the controller wrote before the last apply
    (an older generation) says nothing about the pods of this one."""
    wanted, s = workload.spec.replicas or 0, workload.status
    if s is None:  # not yet seen by its controller
        return False
    current = (s.observed_generation or 0) >= (workload.metadata.generation or 0)
    return current and (s.ready_replicas or 0) >= wanted and (s.updated_replicas or 0) >= wanted


def delete(client: Any, namespace: str, deadline_seconds: float) -> None:
    """Delete the namespace and everything in it (foreground), and return once the API says it
    is gone (404); one already gone is fine. Its claims go with it, and so their volumes."""
    with calling(client, f"delete namespace {namespace}"):
        try:
            core(client).delete_namespace(namespace, propagation_policy="Foreground", _request_timeout=REQUEST_SECONDS)
        except Exception as exc:
            if status(exc) != 404:
                raise
    left = until(deadline_seconds, lambda: namespace_or_none(client, namespace))
    if left is not None:
        raise InfraError(
            f"namespace {namespace} was still there {deadline_seconds:.0f} s after its deletion: {_held(left)}",
            f"`kubectl describe namespace {namespace}` names what is left; {SLOW}",
        )


def _held(namespace: Any) -> str:
    """The namespace controller's conditions (content or finalizers remaining), else its phase."""
    state = namespace.status
    conditions = [c for c in (state.conditions if state else None) or [] if c.status == "True"]
    return "; ".join(f"{c.type}: {c.message}" for c in conditions) or f"phase {state.phase if state else '?'}"
