"""The Kubernetes objects of a docker-backend lab put in one namespace of an existing cluster.

The lab definition is the docker backend's: each component becomes a Deployment, or a
StatefulSet when it keeps data in volumes (one claim per volume path, as Docker has one volume
per path), and a ClusterIP Service named like the component, so `postgres:5432` in an env value
resolves as it does on the instance's Docker network. Env values rendered from `secrets` live in
the namespace's one Secret and are referenced from it: far more can read a Deployment than a
Secret (Kubernetes' own `view` role reads Deployments and ConfigMaps, never Secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, meta

from provisioner.backends.kubernetes import isolation, volumes
from provisioner.backends.kubernetes.names import LABEL_COMPONENT, Identity, labels, metadata
from provisioner.core.errors import UsageError
from provisioner.core.templating import render
from provisioner.definitions.model import Lab
from provisioner.definitions.sandbox import DockerComponent, DockerSandbox

ENV_STORE = "lab-env"  # the namespace's one Secret
_PARSER = Environment(autoescape=False)  # noqa: S701 - parsed only, to see what a template names


def manifests(
    lab: Lab, identity: Identity, images: Mapping[str, str], secrets: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Everything to apply, in an order an apply can follow: the namespace, then what bounds and
    isolates it, the Secret before the pods that read it, then the workloads and Services."""
    parts = present(lab, images)
    values = {"secrets": dict(secrets), "instance": identity.ref.instance, "lab_id": lab.id}
    envs = {c.name: _env(c, values) for c in parts}
    kept = {key: value for _, share in envs.values() for key, value in share.items()}
    objects = [namespace(identity), *isolation.objects(identity, parts), secret(identity, kept)]
    for c in parts:
        objects.append(workload(c, images[c.name], envs[c.name][0], identity))
        objects += [service(c, identity)] if c.ports else []
    return objects


def present(lab: Lab, images: Mapping[str, str]) -> list[DockerComponent]:
    """The components to run: those with a resolved image (an optional one may have none offline)."""
    if not isinstance(lab.sandbox, DockerSandbox):
        raise UsageError(f"{lab.id} is a {lab.sandbox.backend} lab: only container (docker) labs go on a cluster")
    shared = [f"{c.name}: {v}" for c in lab.sandbox.components for v in c.volumes if ":" in v]
    if shared:
        # Two pods sharing one claim need ReadWriteMany storage, which kind and many clusters lack.
        raise UsageError(
            f"{lab.id}: volumes shared between components are not on the kubernetes target yet ({shared[0]})"
        )
    return [c for c in lab.sandbox.components if c.name in images]


def namespace(identity: Identity) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": identity.namespace, "labels": labels(identity)},
    }


def secret(identity: Identity, values: dict[str, str]) -> dict[str, Any]:
    head = {"apiVersion": "v1", "kind": "Secret", "metadata": metadata(identity, ENV_STORE), "type": "Opaque"}
    return head | {"stringData": values}


def _env(component: DockerComponent, values: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The container's env and its share of the Secret (keys component.NAME, unique per namespace)."""
    env: list[dict[str, Any]] = []
    kept: dict[str, str] = {}
    for name, template in component.env.items():
        if "secrets" not in meta.find_undeclared_variables(_PARSER.parse(template)):
            env.append({"name": name, "value": render(template, values)})
            continue
        key = f"{component.name}.{name}"
        kept[key] = render(template, values)
        env.append({"name": name, "valueFrom": {"secretKeyRef": {"name": ENV_STORE, "key": key}}})
    return env, kept


def workload(c: DockerComponent, image: str, env: list[dict[str, Any]], identity: Identity) -> dict[str, Any]:
    spec: dict[str, Any] = {"replicas": 1, "selector": {"matchLabels": {LABEL_COMPONENT: c.name}}}
    spec["template"] = {
        "metadata": {"labels": labels(identity) | {LABEL_COMPONENT: c.name}},
        "spec": _pod(c, image, env),
    }
    head = {"apiVersion": "apps/v1", "metadata": metadata(identity, c.name)}
    if not c.volumes:
        # Recreate, not a rolling update: a surge pod would not fit the namespace's quota.
        return head | {"kind": "Deployment", "spec": spec | {"strategy": {"type": "Recreate"}}}
    claims = [volumes.claim(path, identity) for path in c.volumes]
    return head | {"kind": "StatefulSet", "spec": spec | {"serviceName": c.name, "volumeClaimTemplates": claims}}


def _pod(c: DockerComponent, image: str, env: list[dict[str, Any]]) -> dict[str, Any]:
    memory = f"{c.memory_mb}Mi"
    resources = {"requests": {"memory": memory}, "limits": {"memory": memory}}
    container: dict[str, Any] = {
        "name": c.name,
        "image": image,
        # Lab tags are never `latest`; on kind they exist only as images loaded into the nodes.
        "imagePullPolicy": "IfNotPresent",
        "env": env,
        "ports": [{"containerPort": p.port, "protocol": "TCP"} for p in c.ports],
        # Memory only, as on Docker: what one sandbox can take from the others. No CPU request
        # (Docker reserves none, and a class's requests would fill a small node at once) and no
        # CPU limit (throttling only slows the learner).
        "resources": resources,
        "volumeMounts": volumes.mounts(list(c.volumes)),
    }
    if c.command:
        container["args"] = list(c.command)  # Docker's command replaces CMD, as args does, not ENTRYPOINT
    # No service links: Kubernetes would set POSTGRES_PORT=tcp://... and the like, which images
    # read as their own settings. No API token: the workloads never talk to the cluster.
    pod = {"containers": [container], "enableServiceLinks": False, "automountServiceAccountToken": False}
    return pod | ({"initContainers": [volumes.fill(image, list(c.volumes), resources)]} if c.volumes else {})


def service(c: DockerComponent, identity: Identity) -> dict[str, Any]:
    ports = [{"name": p.name, "port": p.port, "targetPort": p.port, "protocol": "TCP"} for p in c.ports]
    spec = {"type": "ClusterIP", "selector": {LABEL_COMPONENT: c.name}, "ports": ports}
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(identity, c.name), "spec": spec}
