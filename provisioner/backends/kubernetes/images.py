"""The `deliver` step: the lab's images, built on this machine's engine, onto the cluster. A
kind cluster (this machine's containers) gets them loaded into its nodes, as the kind backend
loads its own; any other cluster pulls them from the registry lab pushes them to, so each
workload names the registry's reference; without either, pods would wait in ErrImagePull."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from provisioner.backends.common import remote
from provisioner.backends.common.runner import Runner
from provisioner.backends.kind import cluster as kind
from provisioner.backends.kubernetes.api import REQUEST_SECONDS, calling, core
from provisioner.backends.kubernetes.capacity import schedulable
from provisioner.backends.kubernetes.connection import read
from provisioner.core.errors import InfraError
from provisioner.core.instance_state import ClusterPlace

KIND = "kind://"  # kind's providerID: kind://<provider>/<cluster>/<node>
Progress = Callable[[str], None]


def deliver(
    place: ClusterPlace, client: Any, tags: Mapping[str, str], run: Runner, seconds: float, progress: Progress
) -> dict[str, str]:
    """component -> the image reference its workload names on this cluster."""
    nodes = [n for n in _nodes(client) if schedulable(n)]
    name = kind_cluster(nodes, place)
    if name is not None:
        load_missing(run, name, nodes, sorted(set(tags.values())), seconds, progress)
        return dict(tags)
    return pushed(tags, run, progress)


def _nodes(client: Any) -> list[Any]:
    with calling(client, "list the nodes"):
        return list(core(client).list_node(_request_timeout=REQUEST_SECONDS).items)


def kind_cluster(nodes: list[Any], place: ClusterPlace) -> str | None:
    """The kind cluster's name: from a node's providerID, else from a `kind-<name>` context or
    cluster name in the kubeconfig (kind's own naming); None when it is not a kind cluster."""
    for node in nodes:
        parts = (node.spec.provider_id or "").removeprefix(KIND).split("/")
        if (node.spec.provider_id or "").startswith(KIND) and len(parts) >= 2 and parts[1]:
            return parts[1]
    names = _context_names(place)
    return next((n.removeprefix("kind-") for n in names if n.startswith("kind-") and len(n) > 5), None)


def _context_names(place: ClusterPlace) -> list[str]:
    """The context's own name and its cluster's, as the kubeconfig has them."""
    loaded = read(Path(place.kubeconfig))
    name = place.context or loaded.get("current-context") or ""
    contexts = {c.get("name"): c.get("context") or {} for c in loaded.get("contexts") or []}
    return [str(n) for n in (name, contexts.get(name, {}).get("cluster")) if n]


def load_missing(run: Runner, name: str, nodes: list[Any], tags: list[str], seconds: float, progress: Progress) -> None:
    """`kind load` into the nodes that lack one of the tags; none at all when every node has them."""
    lacking = [n.metadata.name for n in nodes if not set(map(qualified, tags)) <= _held(n)]
    if not lacking:
        progress(f"the kind cluster {name}'s nodes hold the lab's images already")
        return
    progress(f"loading {len(tags)} images into {', '.join(lacking)} (kind cluster {name})")
    kind.load(run, name, tags, seconds, nodes=lacking)


def _held(node: Any) -> set[str]:
    """What the node's runtime reports it has (the kubelet lists at most 50: `kind load` skips
    what a node has beyond those itself)."""
    return {qualified(n) for image in node.status.images or [] for n in image.names or []}


def qualified(ref: str) -> str:
    """A reference as containerd names it: lab/x:tag is docker.io/lab/x:tag."""
    first = ref.split("/", 1)[0]
    if "/" in ref and ("." in first or ":" in first or first == "localhost"):
        return ref
    return f"docker.io/{ref}" if "/" in ref else f"docker.io/library/{ref}"


def pushed(tags: Mapping[str, str], run: Runner, progress: Progress) -> dict[str, str]:
    """Each tag pushed to the registry (`lab images push`'s way), named as the cluster pulls it."""
    where = remote.registry()
    if where is None:
        raise InfraError(
            "the cluster is not a kind cluster, so it cannot be given the lab's images directly, "
            f"and no registry is set ({remote.ENV}) for it to pull them from",
            f"export {remote.ENV}=HOST:PORT[/prefix] (a registry the cluster's nodes can pull from; "
            "`docker login` to it first), or use a kind cluster (`kind-<name>` context)",
        )
    for tag in sorted(set(tags.values())):
        remote.push(tag, where, progress, run)
    seen_as = remote.cluster_registry() or where
    return {component: remote.remote_ref(seen_as, tag) for component, tag in tags.items()}
