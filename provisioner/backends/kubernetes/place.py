"""Where an instance lives on a cluster: from `up --target` the first time, from its state ever
after, so `down`, checks and `lab shell` never ask for the kubeconfig again."""

from __future__ import annotations

from provisioner.backends.common.ownership import home_id
from provisioner.backends.kind.tools import binary, tools_path
from provisioner.backends.kubernetes.names import Identity
from provisioner.core.errors import UsageError
from provisioner.core.instance_state import ClusterPlace
from provisioner.lifecycle.steps import Context


def identity(ctx: Context) -> Identity:
    return Identity(ctx.ref, ctx.store.load().student, home_id())


def chosen(ctx: Context) -> ClusterPlace:
    """The place `up` was given, or the one recorded; never a second cluster for one instance,
    whose first namespace `down` would then no longer find."""
    given, recorded = ctx.options.target, ctx.store.load().cluster
    if given is None:
        if recorded is None:
            fix = f"`lab up {ctx.ref.lab} --target kubernetes --kubeconfig PATH`"
            raise UsageError(f"{ctx.ref.key} has no cluster recorded", fix)
        return recorded
    if recorded is None:
        return ClusterPlace(kubeconfig=given.kubeconfig, context=given.context, namespace=identity(ctx).namespace)
    if (given.kubeconfig, given.context) != (recorded.kubeconfig, recorded.context):
        raise UsageError(
            f"{ctx.ref.key} is on the cluster of {recorded.kubeconfig} (context {recorded.context or 'current'})",
            f"`lab down {ctx.ref.lab}` it first, or run `lab up` without --kubeconfig and --context",
        )
    return recorded


def recorded(ctx: Context) -> ClusterPlace | None:
    """None: `up` never got as far as the cluster, so there is nothing of this instance on one."""
    return ctx.store.load().cluster


def kubectl() -> str:
    """The kubectl built with kind's node image where there is one (its version matches kind
    clusters), else the one on PATH; InfraError with the fix when there is none."""
    return binary("kubectl")


def kubectl_argv(place: ClusterPlace) -> list[str]:
    """kubectl as the admin, in the instance's namespace."""
    context = ["--context", place.context] if place.context else []
    return [kubectl(), "--kubeconfig", place.kubeconfig, *context, "--namespace", place.namespace]


def machine_env(place: ClusterPlace | None) -> dict[str, str]:
    """Commands run on this machine against the sandbox (checks without a host, solutions, Ansible's
    kubectl connection) reach the cluster as the admin, with the built kubectl first on PATH."""
    if place is None:
        return {}
    context = {"K8S_AUTH_CONTEXT": place.context} if place.context else {}
    return {"KUBECONFIG": place.kubeconfig, "K8S_AUTH_KUBECONFIG": place.kubeconfig, "PATH": tools_path()} | context
