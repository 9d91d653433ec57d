"""Memory a cohort of one lab uses, summed over its sandboxes, in this state root only (LAB_HOME):
on Docker, its containers (`docker stats`); on a cluster, the pods of its namespaces, as the
metrics API (metrics-server) measures them, else as each node's kubelet does, else as they
request (the figure is then a bound the scheduler holds, not a use). Which it is, is said beside it."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from provisioner.backends.common.ownership import home_id
from provisioner.backends.kubernetes.api import REQUEST_SECONDS, core
from provisioner.backends.kubernetes.connection import connect
from provisioner.backends.kubernetes.names import LABEL_HOME, LABEL_PREFIX, label_value

MIB = 1024 * 1024


def docker_mb(lab_id: str) -> float:
    """The cohort's containers' memory in use now (docker stats, one sample)."""
    labels = ["--filter", f"label=org.lab.home={home_id()}", "--filter", f"label=org.lab.lab={lab_id}"]
    ids = _run("docker", "ps", "-q", *labels).split()
    if not ids:
        return 0.0
    usage = _run("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", *ids).splitlines()
    return sum(_bytes(line.split("/")[0].strip()) for line in usage) / MIB


def cluster_mb(kubeconfig: str, context: str | None, lab_id: str) -> tuple[float, str]:
    """The cohort's pods' memory, and "metrics" or "requests" for where it came from."""
    client = connect(Path(kubeconfig), context)
    selector = f"{LABEL_HOME}={home_id()},{LABEL_PREFIX}lab={label_value(lab_id)}"
    spaces = [n.metadata.name for n in core(client).list_namespace(label_selector=selector).items]
    try:
        return sum(_used(client, ns) for ns in spaces) / MIB, "metrics"
    except Exception as exc:  # no metrics-server (404, 503): each node's kubelet
        if getattr(exc, "status", None) is None:
            raise
    try:
        return _working_set(client, set(spaces)) / MIB, "kubelet working set"
    except Exception as exc:  # nodes/proxy refused: what the pods request instead
        if getattr(exc, "status", None) is None:
            raise
        return sum(_requested(client, ns) for ns in spaces) / MIB, "requests"


def _working_set(client: Any, spaces: set[str]) -> float:
    """The pods' working set as each node's kubelet reports it (its Summary API, which
    metrics-server reads too): usage less inactive file cache, as `docker stats` counts it. The
    kubelet samples every 10-15 s, so a pod just started is missing or 0 at first: the sum is
    taken once every running pod has a figure (a minute at most)."""
    deadline = time.monotonic() + 60
    while True:
        running = {
            (p.metadata.namespace, p.metadata.name)
            for ns in spaces
            for p in core(client).list_namespaced_pod(ns, _request_timeout=REQUEST_SECONDS).items
            if p.status.phase == "Running"
        }
        seen = _summary(client, spaces)
        missing = running - {k for k, v in seen.items() if v > 0}
        if not missing:
            return sum(seen[k] for k in running)
        if time.monotonic() > deadline:
            raise SystemExit(f"the kubelets reported no memory for {sorted(missing)} within 60 s")
        time.sleep(2)


def _summary(client: Any, spaces: set[str]) -> dict[tuple[str, str], float]:
    found = {}
    for node in core(client).list_node(_request_timeout=REQUEST_SECONDS).items:
        raw = core(client).connect_get_node_proxy_with_path(
            node.metadata.name, "stats/summary", _preload_content=False, _request_timeout=REQUEST_SECONDS
        )
        for pod in json.loads(raw.data).get("pods", []):
            ref = pod["podRef"]
            if ref["namespace"] in spaces:
                found[(ref["namespace"], ref["name"])] = (pod.get("memory") or {}).get("workingSetBytes", 0)
    return found


def _used(client: Any, namespace: str) -> float:
    from kubernetes.client import CustomObjectsApi  # the client is slow to import: only here

    found = CustomObjectsApi(client).list_namespaced_custom_object(
        "metrics.k8s.io", "v1beta1", namespace, "pods", _request_timeout=REQUEST_SECONDS
    )
    return sum(_bytes(c["usage"]["memory"]) for pod in found["items"] for c in pod["containers"])


def _requested(client: Any, namespace: str) -> float:
    pods = core(client).list_namespaced_pod(namespace, _request_timeout=REQUEST_SECONDS).items
    return sum(
        _bytes(((c.resources and c.resources.requests) or {}).get("memory", "0"))
        for pod in pods
        for c in pod.spec.containers
    )


def _bytes(quantity: str) -> float:
    """A Kubernetes quantity (512Mi) or docker's size (12.5MiB, 1.2GiB, 800kB) in bytes."""
    from kubernetes.utils import parse_quantity

    text = quantity.strip().replace("iB", "i").replace("kB", "k").replace("MB", "M").replace("GB", "G")
    return float(parse_quantity(text.removesuffix("B")))


def _run(*argv: str) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=120).stdout
