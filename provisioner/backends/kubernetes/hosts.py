"""How the lifecycle knows a component placed on a cluster: its host entry in state (what
checks, templates and `kubectl exec` use), and Ansible's connection into its container."""

from __future__ import annotations

from typing import Any

from provisioner.core.instance_state import ClusterPlace


def workload_host(workload: dict[str, Any]) -> dict[str, Any]:
    """What checks, templates and `kubectl exec` know a component by; `container` as on Docker,
    since access sheets name hosts.<component>.container (there, the pod's container)."""
    name = workload["metadata"]["name"]
    kind = "deployment" if workload["kind"] == "Deployment" else "statefulset"
    return {"container": name, "workload": f"{kind}/{name}", "namespace": workload["metadata"]["namespace"]}


def kubectl_connection(place: ClusterPlace, host: str, pod: str) -> dict[str, Any]:
    """Ansible's kubernetes.core.kubectl connection into the component's container."""
    context = {"ansible_kubectl_context": place.context} if place.context else {}
    return {
        "ansible_connection": "kubernetes.core.kubectl",
        "ansible_kubectl_namespace": place.namespace,
        "ansible_kubectl_pod": pod,
        "ansible_kubectl_container": host,
        "ansible_kubectl_kubeconfig": place.kubeconfig,
        "ansible_python_interpreter": "/usr/bin/python3",
    } | context
