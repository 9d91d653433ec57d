"""The kind cluster configuration of an instance, rendered from the lab definition."""

from __future__ import annotations

from typing import Any

from provisioner.definitions.model import Lab


def cluster_config(lab: Lab, name: str, ports: dict[str, int]) -> dict[str, Any]:
    """One control plane publishing the node ports on 127.0.0.1, and nodes - 1 workers. A NodePort
    Service answers on every node, so publishing from the control plane reaches any pod."""
    component = lab.sandbox.components[0]
    mappings = [
        {"containerPort": p.port, "hostPort": ports[p.name], "listenAddress": "127.0.0.1", "protocol": "TCP"}
        for p in component.ports
    ]
    nodes = [{"role": "control-plane", "extraPortMappings": mappings}]
    nodes += [{"role": "worker"} for _ in range(component.nodes - 1)]
    return {
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "name": name,
        # The API server on loopback only, at a port Docker picks.
        "networking": {"apiServerAddress": "127.0.0.1", "apiServerPort": 0},
        "nodes": nodes,
    }
