"""Why a workload is not ready, in the cluster's own words: its pods' waiting reasons
(ImagePullBackOff, CrashLoopBackOff with the last exit), the scheduler's message for a Pending
pod, and when there is no pod at all, why none was made (a quota refusing it, say)."""

from __future__ import annotations

from typing import Any

from provisioner.backends.kubernetes.api import REQUEST_SECONDS, calling, core
from provisioner.backends.kubernetes.names import LABEL_COMPONENT
from provisioner.core.errors import InfraError


def why_not_ready(client: Any, namespace: str, workload: Any) -> str:
    selector = ",".join(f"{k}={v}" for k, v in (workload.spec.selector.match_labels or {}).items())
    with calling(client, f"list the pods of {namespace}/{workload.metadata.name}"):
        pods = core(client).list_namespaced_pod(namespace, label_selector=selector, _request_timeout=REQUEST_SECONDS)
    said = [f"pod {p.metadata.name} {_pod(p)}" for p in pods.items]
    return "; ".join(said) or _no_pod(client, namespace, workload)


def _pod(pod: Any) -> str:
    state = pod.status
    for c in [*(state.init_container_statuses or []), *(state.container_statuses or [])]:
        waiting = c.state.waiting if c.state else None
        if waiting:
            return f"{waiting.reason}{_last_exit(c)}: {waiting.message or ''}".rstrip(": ")
    for condition in state.conditions or []:
        if condition.type == "PodScheduled" and condition.status == "False":
            return f"Pending: {condition.message}"  # the scheduler's: "0/3 nodes are available: ..."
    return f"{state.phase}, not ready"


def _last_exit(container: Any) -> str:
    """How the container ended last time: what a CrashLoopBackOff's back-off message omits."""
    ended = container.last_state.terminated if container.last_state else None
    return f" (last exit {ended.exit_code}, {ended.reason})" if ended else ""


def _no_pod(client: Any, namespace: str, workload: Any) -> str:
    """A Deployment says why in a ReplicaFailure condition; a StatefulSet only in events."""
    for condition in (workload.status.conditions if workload.status else None) or []:
        if condition.type == "ReplicaFailure" and condition.status == "True":
            return f"no pod: {condition.message}"
    where = f"involvedObject.name={workload.metadata.name},type=Warning"
    with calling(client, f"list the events of {namespace}/{workload.metadata.name}"):
        events = core(client).list_namespaced_event(namespace, field_selector=where, _request_timeout=REQUEST_SECONDS)
    latest = max(events.items, key=_when, default=None)
    return f"no pod: {latest.reason}: {latest.message}" if latest else "no pod made yet"


def _when(event: Any) -> str:
    return str(event.last_timestamp or event.event_time or event.metadata.creation_timestamp or "")


def running(client: Any, namespace: str, component: str) -> str:
    """The name of the component's running pod (what Ansible's kubectl connection needs, where
    `kubectl exec` takes the workload): read when asked, since a restart renames it."""
    where = f"{LABEL_COMPONENT}={component}"
    with calling(client, f"find the running pod of {namespace}/{component}"):
        found = core(client).list_namespaced_pod(
            namespace, label_selector=where, field_selector="status.phase=Running", _request_timeout=REQUEST_SECONDS
        )
    if not found.items:
        raise InfraError(
            f"{namespace}/{component} has no running pod",
            "`lab verify` says which check fails, `kubectl describe pod` why",
        )
    return str(found.items[0].metadata.name)
