"""Waiting for a new cluster's nodes, through the Kubernetes API (the `kubernetes` client)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provisioner.core.errors import InfraError

POLL_SECONDS = 1.0


def wait_ready(kubeconfig: Path, expected: int, seconds: float, progress: Callable[[str], None]) -> None:
    """Return once `expected` nodes are Ready; progress says "2/3 nodes Ready" at each change.
    Past `seconds`, raise an InfraError naming the nodes that are not Ready and why."""
    api = _core_api(kubeconfig)
    deadline, said = time.monotonic() + seconds, ""
    while True:
        nodes = _nodes(api)
        ready = [n for n, why in nodes.items() if why is None]
        line = f"{len(ready)}/{expected} nodes Ready"
        if line != said:
            progress(line)
            said = line
        if len(ready) >= expected:
            return
        if time.monotonic() > deadline:
            raise _not_ready(nodes, expected, seconds)
        time.sleep(POLL_SECONDS)


def _core_api(kubeconfig: Path) -> Any:
    # Imported here, not at the top: the client takes about half a second to import, and only
    # kind labs need it (`lab --help` stays fast).
    from kubernetes import client, config

    return client.CoreV1Api(config.new_client_from_config(config_file=str(kubeconfig)))


def _nodes(api: Any) -> dict[str, str | None]:
    """Node name -> None when Ready, else what its Ready condition says (or that the API is down)."""
    try:
        items = api.list_node(_request_timeout=10).items
    except Exception as exc:  # the API server may still be starting: keep waiting
        return {"(API server)": f"not answering yet ({type(exc).__name__})"}
    return {n.metadata.name: _why_not_ready(n) for n in items}


def _why_not_ready(node: Any) -> str | None:
    for c in node.status.conditions or []:
        if c.type == "Ready":
            return None if c.status == "True" else f"{c.reason or 'NotReady'}: {c.message or ''}".strip()
    return "no Ready condition yet"


def _not_ready(nodes: dict[str, str | None], expected: int, seconds: float) -> InfraError:
    waiting = [f"{n} ({why})" for n, why in nodes.items() if why is not None]
    missing = expected - len(nodes)
    parts = waiting + ([f"{missing} node(s) never registered"] if missing > 0 else [])
    return InfraError(
        f"the cluster's nodes were not Ready after {seconds:.0f} s: " + "; ".join(parts),
        "the diagnostics bundle of the failed `lab up` holds the nodes' logs; a slow machine: LAB_TIMEOUT_SCALE=2",
    )
