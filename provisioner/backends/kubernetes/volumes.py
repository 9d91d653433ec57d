"""A component's volumes on a cluster: one claim per volume path, filled the way Docker fills a
named volume.

Docker copies what the image holds at the mount path, with its owner and mode, into an empty
named volume on first use, and lab's images rely on it (PostgreSQL refuses a data directory its
user does not own). A claim starts empty and owned by root, so an init container of the same
image, as root, does the same before the component starts: the image's content into an empty
claim, then the image directory's owner and mode onto it. Clusters that forbid root containers
(a restricted Pod Security level) refuse such pods; the namespace is the lab's own, so none is
set there."""

from __future__ import annotations

from typing import Any

from provisioner.backends.kubernetes.names import Identity, dns_label, labels

CLAIM_SIZE = "1Gi"  # a lab states no volume size; kind's local-path provisioner does not enforce one
SEED = "/lab-volume"  # where the init container mounts each claim, beside the image's own path
# Arguments: pairs of (the image's path, where its claim is mounted).
FILL = """set -eu
while [ $# -gt 1 ]; do
  src=$1; dst=$2; shift 2
  [ -d "$src" ] || continue
  [ -n "$(ls -A "$dst")" ] || cp -a "$src/." "$dst/"
  chown --reference="$src" "$dst"
  chmod --reference="$src" "$dst"
done"""


def claim(path: str, identity: Identity) -> dict[str, Any]:
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": CLAIM_SIZE}}}
    return {"metadata": {"name": claim_name(path), "labels": labels(identity)}, "spec": spec}


def claim_name(path: str) -> str:
    return dns_label(f"data{path.replace('/', '-')}")


def mounts(paths: list[str]) -> list[dict[str, str]]:
    return [{"name": claim_name(path), "mountPath": path} for path in paths]


def fill(image: str, paths: list[str], resources: dict[str, Any]) -> dict[str, Any]:
    """The init container that fills each claim from the image (the component's own memory, so
    the pod asks the namespace's quota for no more than the component does)."""
    pairs = [arg for path in paths for arg in (path, f"{SEED}/{claim_name(path)}")]
    return {
        "name": "fill-volumes",
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c", FILL, "fill-volumes", *pairs],
        "securityContext": {"runAsUser": 0, "runAsGroup": 0},
        "resources": resources,
        "volumeMounts": [{"name": claim_name(p), "mountPath": f"{SEED}/{claim_name(p)}"} for p in paths],
    }
