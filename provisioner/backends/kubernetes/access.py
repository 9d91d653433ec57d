"""How a student reaches their namespace: a kubeconfig of their own and port-forward lines."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from provisioner.core.errors import UsageError
from provisioner.definitions.sandbox import DockerComponent

FLATTEN = "kubectl config view --raw --flatten --minify > admin.yaml, and pass that"


def student_kubeconfig(
    admin: Mapping[str, Any], token: str, namespace: str, context: str | None = None
) -> dict[str, Any]:
    """The admin kubeconfig's server and CA with the student's token and nothing else: no admin
    credential, and their namespace as the default so plain `kubectl get pods` means theirs."""
    cluster = _cluster(admin, context)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": namespace, "cluster": cluster}],
        "users": [{"name": "student", "user": {"token": token}}],
        "contexts": [{"name": namespace, "context": {"cluster": namespace, "user": "student", "namespace": namespace}}],
        "current-context": namespace,
    }


def _cluster(admin: Mapping[str, Any], context: str | None) -> dict[str, str]:
    """Server and CA of the context's cluster; the CA must be inline, since the student's
    laptop has none of the admin's files."""
    name = context or admin.get("current-context")
    contexts = {c["name"]: c["context"] for c in admin.get("contexts") or []}
    clusters = {c["name"]: c["cluster"] for c in admin.get("clusters") or []}
    if name not in contexts or contexts[name].get("cluster") not in clusters:
        raise UsageError(f"the kubeconfig has no context {name!r} with a cluster", fix=FLATTEN)
    cluster = clusters[contexts[name]["cluster"]]
    if not {"server", "certificate-authority-data"} <= cluster.keys():
        raise UsageError(f"the kubeconfig's cluster for context {name!r} lacks a server or an inline CA", fix=FLATTEN)
    return {"server": cluster["server"], "certificate-authority-data": cluster["certificate-authority-data"]}


def port_forward_lines(
    components: Sequence[DockerComponent],
    namespace: str,
    kubeconfig: str = "kubeconfig.yaml",
    local_ports: Mapping[str, int] | None = None,
) -> list[str]:
    """One `kubectl port-forward` per published port, listening on the laptop's 127.0.0.1 at the
    port the component uses (or `local_ports[endpoint]`, where that one is taken).

    Port-forward rather than NodePorts: kind publishes only the node ports its cluster was made
    with, and most school and cloud clusters do not let laptops reach node addresses at all; a
    NodePort would also be open to anyone on that network. Port-forward goes through the API
    server, which the student can reach anyway, with the student's own token: the Role grants
    pods/portforward in their namespace only, so the line cannot reach another student's
    database. The runtime connects from inside the pod's own network namespace, so the
    namespace's NetworkPolicy, enforced at the pod's interface, does not stand in its way."""
    local = local_ports or {}
    head = ["kubectl", "--kubeconfig", kubeconfig, "--namespace", namespace, "port-forward", "--address", "127.0.0.1"]
    return [
        shlex.join([*head, f"service/{c.name}", f"{local.get(p.name, p.port)}:{p.port}"])
        for c in components
        for p in c.ports
    ]
