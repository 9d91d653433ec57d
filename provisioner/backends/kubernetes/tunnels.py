"""The instance's endpoints as checks reach them from this machine: one `kubectl port-forward`
per published port, as the admin, each on a free local port kubectl picks (`:PORT`), so two
checks of one instance, or of a cohort's students, never compete for the hand-out's ports. The
processes live only while the checks run."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from provisioner.backends.kubernetes.handout import endpoint
from provisioner.backends.kubernetes.manifests import present
from provisioner.backends.kubernetes.place import kubectl_argv, machine_env
from provisioner.core import deadlines
from provisioner.core.background import held
from provisioner.core.errors import CommandError, InfraError
from provisioner.core.instance_state import ClusterPlace
from provisioner.definitions.sandbox import DockerComponent, Port
from provisioner.lifecycle.steps import Context

# What kubectl prints once it listens: "Forwarding from 127.0.0.1:41234 -> 5432".
FORWARDING = re.compile(r"^Forwarding from 127\.0\.0\.1:(\d+) -> \d+")


@contextmanager
def endpoint_tunnels(ctx: Context, place: ClusterPlace) -> Iterator[dict[str, str]]:
    """Endpoint name -> its address through a port-forward held open until the block ends."""
    published = [(c, p) for c in present(ctx.require_lab(), ctx.store.load().images) for p in c.ports]
    seconds = deadlines.PORT_FORWARD.seconds()
    with ExitStack() as stack:  # every one started is stopped, the others too when one fails
        found = {}
        for component, port in published:
            argv = forward_argv(place, component, port)
            try:
                ready = stack.enter_context(held(argv, FORWARDING, seconds, _env(place)))
            except CommandError as exc:
                raise _refused(place, component, port, exc) from exc
            found[port.name] = endpoint(port, int(ready.group(1)))
        yield found


def _refused(place: ClusterPlace, component: DockerComponent, port: Port, exc: CommandError) -> InfraError:
    """kubectl ends at once when the service has no running pod: the checks could not start."""
    said = (exc.stderr_tail.strip().splitlines() or ["(no output)"])[-1]
    return InfraError(
        f"checks cannot reach {port.name}: `kubectl port-forward service/{component.name}` failed: {said}",
        f"`kubectl --kubeconfig {place.kubeconfig} -n {place.namespace} get pods` says why its pod is not running",
    )


def forward_argv(place: ClusterPlace, component: DockerComponent, port: Port) -> list[str]:
    """As the hand-out's line, but the admin's, on any free local port."""
    where = ["port-forward", "--address", "127.0.0.1", f"service/{component.name}", f":{port.port}"]
    return [*kubectl_argv(place), *where]


def _env(place: ClusterPlace) -> dict[str, str]:
    return dict(os.environ) | machine_env(place)  # the built kubectl first on PATH, as the checks' own
