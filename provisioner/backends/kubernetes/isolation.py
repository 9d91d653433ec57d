"""What keeps one student's namespace from another's on a shared cluster: a quota and default
limits so no sandbox starves the rest, a network policy so no student reaches another's
database, and a service account whose Role reaches nothing outside its own namespace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from provisioner.backends.kubernetes.names import Identity, metadata
from provisioner.definitions.sandbox import DockerComponent

STUDENT = "student"
# What a component that names no memory gets, for containers the lab did not declare.
DEFAULT_MEMORY_MB = DockerComponent.model_fields["memory_mb"].default
READ = ["get", "list", "watch"]
# exec and port-forward open a stream: `create` on the subresource (and `get`, for the WebSocket
# upgrade newer kubectl uses). Secrets are readable: they hold the student's own passwords.
RULES = [
    {"apiGroups": [""], "resources": ["pods", "pods/log", "services", "secrets"], "verbs": READ},
    {"apiGroups": [""], "resources": ["pods/exec", "pods/portforward"], "verbs": ["get", "create"]},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": READ},
]


def objects(identity: Identity, components: Sequence[DockerComponent]) -> list[dict[str, Any]]:
    return [
        quota(identity, components),
        limit_range(identity),
        network_policy(identity),
        *student_access(identity),
    ]


def quota(identity: Identity, components: Sequence[DockerComponent]) -> dict[str, Any]:
    """Room for exactly the lab's pods and claims: the cluster's capacity check can trust it."""
    memory = f"{sum(c.memory_mb for c in components)}Mi"
    hard = {"pods": str(len(components)), "requests.memory": memory, "limits.memory": memory}
    hard["persistentvolumeclaims"] = str(sum(len(c.volumes) for c in components))
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": metadata(identity, "lab"), "spec": {"hard": hard}}


def limit_range(identity: Identity) -> dict[str, Any]:
    """A memory quota refuses any pod without limits; these defaults admit one bounded instead."""
    memory = {"memory": f"{DEFAULT_MEMORY_MB}Mi"}
    limits = [{"type": "Container", "default": memory, "defaultRequest": memory}]
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": metadata(identity, "lab"), "spec": {"limits": limits}}


def network_policy(identity: Identity) -> dict[str, Any]:
    """Deny by default both ways, except between this namespace's pods and DNS (port 53 in
    kube-system, whatever its pods are called there). `kubectl port-forward` still reaches the
    pods: the kubelet connects inside the pod, not across the pod network."""
    same: list[dict[str, Any]] = [{"podSelector": {}}]
    dns = {
        "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }
    spec = {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": same}],
        "egress": [{"to": same}, dns],
    }
    head = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy"}
    return head | {"metadata": metadata(identity, "same-namespace-only"), "spec": spec}


def student_access(identity: Identity) -> list[dict[str, Any]]:
    """A Role and RoleBinding, never cluster-wide ones: the token reaches this namespace only."""
    rbac = "rbac.authorization.k8s.io"
    subject = {"kind": "ServiceAccount", "name": STUDENT, "namespace": identity.namespace}
    binding = {"subjects": [subject], "roleRef": {"apiGroup": rbac, "kind": "Role", "name": STUDENT}}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(identity, STUDENT)},
        {"apiVersion": f"{rbac}/v1", "kind": "Role", "metadata": metadata(identity, STUDENT), "rules": RULES},
        {"apiVersion": f"{rbac}/v1", "kind": "RoleBinding", "metadata": metadata(identity, STUDENT)} | binding,
    ]
