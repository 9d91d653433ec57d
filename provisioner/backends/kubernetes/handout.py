"""The `access` step: what reaches the learner from a namespace. A kubeconfig of their own
(their token, their namespace), written 0600 in the instance's state folder, and one
`kubectl port-forward` line per published port (access.py says why port-forward), whose local
addresses are the instance's endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from provisioner.backends.kubernetes import access, cluster
from provisioner.backends.kubernetes.connection import read
from provisioner.backends.kubernetes.manifests import present
from provisioner.core import redact
from provisioner.core.instance_state import ClusterPlace
from provisioner.core.state import write_private
from provisioner.definitions.sandbox import Port
from provisioner.lifecycle.steps import Context, Produced

STUDENT_KUBECONFIG = "student-kubeconfig.yaml"
# The token outlives a week of classes unless `up --ttl` says less; a cluster may cap it lower.
TOKEN_SECONDS = 7 * 24 * 3600


def make(ctx: Context, client: Any, place: ClusterPlace) -> Produced:
    token = cluster.student_token(client, place.namespace, int(ctx.options.ttl_seconds or TOKEN_SECONDS))
    redact.register(token)  # a token in an error or log line would let anyone in as the student
    admin = read(Path(place.kubeconfig))
    config = access.student_kubeconfig(admin, token, place.namespace, place.context)
    path = ctx.store.path(STUDENT_KUBECONFIG)
    write_private(path, yaml.safe_dump(config, sort_keys=False))
    components = present(ctx.require_lab(), ctx.store.load().images)
    return {
        "cluster": place.model_copy(update={"student_kubeconfig": str(path)}).model_dump(),
        "port_forward": access.port_forward_lines(components, place.namespace, str(path)),
        "endpoints": {p.name: endpoint(p) for c in components for p in c.ports},
    }


def endpoint(port: Port, local: int | None = None) -> str:
    """Where a port-forward listens (the hand-out's line: the port itself), written as the docker
    backend writes its endpoints."""
    where = f"127.0.0.1:{local or port.port}"
    return f"{port.scheme}://{where}" if port.scheme in ("http", "https") else where
