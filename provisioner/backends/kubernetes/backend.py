"""The `kubernetes` target: a docker lab's sandbox as one namespace of an existing cluster.
The lab definition is the docker backend's and so are its images; the objects are
manifests.py's, applied through the API (no Terraform: the hashicorp/kubernetes provider served
here is 1.13, older than server-side apply). Checks and `lab shell` go through `kubectl exec`,
the lab's playbooks through Ansible's kubernetes.core.kubectl connection."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from provisioner.backends.base import Backend, prepare, units
from provisioner.backends.common.configure import configure_lab, write_inventory
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.hosts import pick_host
from provisioner.backends.common.ownership import home_id
from provisioner.backends.common.runner import Runner
from provisioner.backends.docker import images
from provisioner.backends.kubernetes import capacity, cluster, connection, handout, pods, tunnels, waits
from provisioner.backends.kubernetes import images as cluster_images
from provisioner.backends.kubernetes.api import namespace_or_none
from provisioner.backends.kubernetes.hosts import kubectl_connection, workload_host
from provisioner.backends.kubernetes.manifests import manifests, present
from provisioner.backends.kubernetes.names import label_value
from provisioner.backends.kubernetes.place import chosen, identity, kubectl_argv, machine_env, recorded
from provisioner.core import deadlines, proc
from provisioner.core.deadlines import Cost
from provisioner.core.errors import UsageError
from provisioner.core.instance_state import ClusterPlace
from provisioner.lifecycle.steps import Context, Produced, Step, Target

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

__all__ = ["KubernetesBackend"]
WORKLOADS = ("Deployment", "StatefulSet")


class KubernetesBackend(Backend):
    """One namespace per instance on the cluster of the admin's kubeconfig, recorded in state."""

    name = "kubernetes"
    costs: ClassVar[dict[str, Cost]] = {
        "configure": Cost(180, 60),  # as Docker's: the same playbooks
        "deliver": Cost(120, 60),  # as the kind backend's load: each image copied into each node
    }

    def __init__(self, run: Runner = proc.run) -> None:
        super().__init__(run)
        self._clients: dict[tuple[str, str | None], Any] = {}  # one connection per command

    def accepts(self, lab: Lab) -> None:
        if lab.sandbox.backend != "docker":
            raise UsageError(
                f"{lab.id} is a {lab.sandbox.backend} lab: --target kubernetes places container (docker) labs only",
                f"run `lab up {lab.id}` without --target",
            )

    def check_room(self, lab: Lab, target: Target, count: int) -> None:
        """The cluster's free memory against every component's, optional ones too (their images
        are not looked at yet)."""
        client = self.client(ClusterPlace(kubeconfig=target.kubeconfig, context=target.context, namespace=""))
        capacity.check_capacity(client, sum(c.memory_mb for c in lab.sandbox.components), count)

    def preflight(self, ctx: Context) -> None:
        engine_running(self.run)  # the lab's images are built (or found) on this machine's engine

    def up_steps(self) -> list[Step]:
        return [
            Step("prepare", "generating per-instance secrets", prepare),
            Step("images", "making sure the lab's images are built", self.ensure_images),
            Step("connect", "connecting to the cluster and checking its free memory", self.connect),
            Step("deliver", "getting the lab's images onto the cluster", self.deliver),
            Step("apply", "applying the namespace's objects", self.apply),
            Step("wait", "waiting for the namespace's workloads", self.wait),
            Step("access", "making the student's kubeconfig and port-forward lines", self.access),
            Step("configure", "configuring the sandbox with Ansible", self.configure),
        ]

    def down_steps(self) -> list[Step]:
        return [
            Step("delete", "deleting the namespace and waiting until it is gone", self.delete),
            Step("sweep", "removing any other namespace of this instance", self.sweep),
        ]

    def client(self, place: ClusterPlace) -> Any:
        key = (place.kubeconfig, place.context)
        if key not in self._clients:
            self._clients[key] = connection.connect(Path(place.kubeconfig), place.context)
        return self._clients[key]

    def ensure_images(self, ctx: Context) -> Produced:
        return images.ensure_for_instance(self.run, ctx)

    def connect(self, ctx: Context) -> Produced:
        """Record the place first, so `down` finds what any later step made; check the room
        only for a namespace not yet made (its own pods would count against it)."""
        place = chosen(ctx)
        ctx.store.update(target=self.name, cluster=place.model_dump())
        client = self.client(place)
        if namespace_or_none(client, place.namespace) is None:
            needed = sum(c.memory_mb for c in present(ctx.require_lab(), ctx.store.load().images))
            capacity.check_capacity(client, needed, 1)
        return {}

    def deliver(self, ctx: Context) -> Produced:
        """Loaded into a kind cluster's nodes, else pushed to the registry: from here on the
        instance's `images` are the references its workloads name on the cluster."""
        place, tags = self.place(ctx), ctx.store.load().images
        seconds = self.deadline(ctx, "deliver")
        refs = cluster_images.deliver(place, self.client(place), tags, self.run, seconds, ctx.report.info)
        return {"images": refs}

    def apply(self, ctx: Context) -> Produced:
        place, state = self.place(ctx), ctx.store.load()
        objects = manifests(ctx.require_lab(), identity(ctx), state.images, ctx.store.secrets())
        cluster.apply(self.client(place), objects)
        made = [o for o in objects if o["kind"] in WORKLOADS]
        return {"hosts": {o["metadata"]["name"]: workload_host(o) for o in made}}

    def wait(self, ctx: Context) -> None:
        place = self.place(ctx)
        seconds = deadlines.NAMESPACE_READY.seconds(units(ctx))
        waits.wait_ready(self.client(place), place.namespace, seconds, ctx.report.info)

    def access(self, ctx: Context) -> Produced:
        place = self.place(ctx)
        return handout.make(ctx, self.client(place), place)

    def deadline(self, ctx: Context, action: str) -> float:
        return self.costs[action].seconds(units(ctx))  # `lab solve` runs playbooks with it

    def configure(self, ctx: Context) -> None:
        env = machine_env(recorded(ctx))
        configure_lab(ctx, lambda: self.inventory(ctx), self.deadline(ctx, "configure"), env)

    def inventory(self, ctx: Context) -> Path:
        """Each host through `kubectl exec` into its running pod (Ansible's connection needs the pod)."""
        place, hosts = self.place(ctx), ctx.store.load().hosts
        client = self.client(place)
        return write_inventory(
            ctx,
            {
                h: dict(v) | kubectl_connection(place, h, pods.running(client, place.namespace, h))
                for h, v in hosts.items()
            },
        )

    def delete(self, ctx: Context) -> None:
        place = recorded(ctx)
        if place is not None:  # else `up` never reached the cluster
            waits.delete(self.client(place), place.namespace, deadlines.NAMESPACE_GONE.seconds())

    def sweep(self, ctx: Context) -> None:
        """Namespaces this state root made for this instance under another name (an older
        naming): selected by the ownership labels every namespace carries."""
        place = recorded(ctx)
        if place is None:
            return
        mine = cluster.namespaces(self.client(place), home_id())
        for name in [n for n, key in mine.items() if key == label_value(ctx.ref.key) and n != place.namespace]:
            waits.delete(self.client(place), name, deadlines.NAMESPACE_GONE.seconds())

    def place(self, ctx: Context) -> ClusterPlace:
        found = recorded(ctx)
        if found is None:
            raise UsageError(f"{ctx.ref.key} has no cluster recorded", f"`lab down {ctx.ref.lab}`, then `lab up` again")
        return found

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        workload = ctx.store.load().hosts[pick_host(ctx, host, "component")]["workload"]
        return [*kubectl_argv(self.place(ctx)), "exec", workload, "--container", host, "--", *argv]

    def shell_argv(self, ctx: Context, host: str | None, command: list[str], tty: bool) -> list[str]:
        name = pick_host(ctx, host, "component")
        workload = ctx.store.load().hosts[name]["workload"]
        stdin = ["-i", *(["-t"] if tty else [])]
        return [
            *kubectl_argv(self.place(ctx)),
            "exec",
            *stdin,
            workload,
            "--container",
            name,
            "--",
            *(command or ["bash"]),
        ]

    def machine_env(self, ctx: Context) -> dict[str, str]:
        return machine_env(recorded(ctx))

    def endpoint_tunnels(self, ctx: Context) -> AbstractContextManager[dict[str, str]]:
        """The hand-out's endpoints are the learner's port-forwards, not running here: checks
        get their own, on free ports, for as long as they run."""
        return tunnels.endpoint_tunnels(ctx, self.place(ctx))

    def unavailable_components(self, ctx: Context) -> dict[str, str]:
        return dict(ctx.store.load().unavailable)
