"""The `docker` backend: one network, containers and volumes per instance on the local engine,
made by Terraform's Docker provider (kreuzwerker/docker) and configured by Ansible over
`docker exec` (community.docker.docker). Every resource carries ownership labels (orphans.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from provisioner import TOOL
from provisioner.backends.base import Orphan, Progress, TerraformBackend
from provisioner.backends.common import ports
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.findings import Finding
from provisioner.backends.common.hosts import pick_host
from provisioner.backends.common.ownership import home_id
from provisioner.backends.docker import diagnostics, doctor, images, orphans
from provisioner.backends.docker.orphans import LABEL_HOME, LABEL_INSTANCE, home_label
from provisioner.checks.runner import render
from provisioner.lifecycle.steps import Context, Produced, Step

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

__all__ = ["DockerBackend", "container_name", "home_label"]


def container_name(ctx: Context, component: str) -> str:
    return f"{ctx.name}-{component}"


class DockerBackend(TerraformBackend):
    """Containers on the local engine made by Terraform, configured by Ansible over docker exec."""

    name = "docker"
    # The network, ports and secrets stay: the same endpoints and passwords after a reset.
    reset_types = frozenset({"docker_container", "docker_volume"})

    def preflight(self, ctx: Context) -> None:
        engine_running(self.run)

    def up_steps(self) -> list[Step]:
        steps = super().up_steps()
        # Ports after images, just before Terraform binds them: a build can take minutes, and
        # another state root's sandbox may take a port that was free when it was allocated.
        extra = [
            Step("images", "making sure the lab's images are built", self.ensure_images),
            Step("ports", "allocating ports on 127.0.0.1", self.allocate_ports),
        ]
        return [steps[0], *extra, *steps[1:]]

    def down_steps(self) -> list[Step]:
        return [*super().down_steps(), Step("ports", "releasing ports", ports.release)]

    def ensure_images(self, ctx: Context) -> Produced:
        return images.ensure_for_instance(self.run, ctx)

    def unavailable_components(self, ctx: Context) -> dict[str, str]:
        return dict(ctx.store.load().unavailable)

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab, state = ctx.require_lab(), ctx.store.load()
        values = {"secrets": ctx.store.secrets(), "instance": ctx.ref.instance, "lab_id": lab.id}
        containers = {
            c.name: {
                "image": state.images[c.name],
                "env": {k: render(v, values) for k, v in c.env.items()},
                "ports": [
                    {"name": p.name, "internal": p.port, "external": state.ports[p.name], "scheme": p.scheme}
                    for p in c.ports
                ],
                "volumes": list(c.volumes),
                "command": list(c.command or []),
                "memory_mb": c.memory_mb,
            }
            for c in lab.sandbox.components
            if c.image and c.name in state.images
        }
        labels = {
            f"org.lab.{k}": v
            for k, v in {"tool": TOOL, "lab": lab.id, "run": ctx.run_id, "student": state.student or ""}.items()
        }
        return {
            "name": ctx.name,
            "bind_address": "127.0.0.1",
            "containers": containers,
            "lead": next(iter(containers), ""),  # the lab's first component: made before the rest
            "labels": labels | {LABEL_INSTANCE: ctx.ref.key, LABEL_HOME: home_id()},
        }

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return {
            "ansible_connection": "community.docker.docker",
            "ansible_host": hostvars["container"],
            "ansible_python_interpreter": "/usr/bin/python3",
        }

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        return ["docker", "exec", container_name(ctx, host), *argv]

    def shell_argv(self, ctx: Context, host: str | None, command: list[str], tty: bool) -> list[str]:
        """A shell (or `command`) in a container: the lab's first unless `host`."""
        name = pick_host(ctx, host, "container")
        return ["docker", "exec", "-i", *(["-t"] if tty else []), container_name(ctx, name), *(command or ["bash"])]

    def destroy(self, ctx: Context) -> None:
        """Terraform destroys only a state the next step's label sweep would not cover: its destroy
        costs a plan and the provider's fixed 2 s wait after each volume it deletes. The state
        no longer says what exists: it goes, so an `up` after a failed one makes everything again."""
        tfstate = self.workdir(ctx) / "terraform.tfstate"
        if not orphans.sweepable(tfstate):
            super().destroy(ctx)
        for stale in (tfstate, tfstate.with_name("terraform.tfstate.backup")):
            stale.unlink(missing_ok=True)

    def replace(self, ctx: Context) -> Produced:
        """`reset`: the containers and volumes removed by their labels (the provider would wait 2 s
        after each volume), then an apply whose refresh finds them gone and makes them again."""
        orphans.sweep_labelled(self.run, *self.owned(ctx), kinds=("container", "volume"))
        return self.apply(ctx)

    def sweep(self, ctx: Context) -> None:
        orphans.sweep_labelled(self.run, *self.owned(ctx))

    def owned(self, ctx: Context) -> tuple[str, str]:
        """The labels of everything this instance made."""
        return f"{LABEL_INSTANCE}={ctx.ref.key}", home_label()

    def doctor(self, fix: bool = False) -> list[Finding]:
        return doctor.findings(self.run, fix)

    def build_images(self, labs: list[Lab], progress: Progress) -> dict[str, str]:
        return images.build_for_labs(self.run, labs, progress)

    def orphans(self, known: set[str]) -> list[Orphan]:
        return orphans.orphans(self.run, known)

    def remove_orphans(self, found: list[Orphan]) -> None:
        orphans.remove(self.run, [o for o in found if o.get("backend") == self.name])

    def collect_diagnostics(self, ctx: Context, dest: Path) -> None:
        diagnostics.collect(self.run, ctx, dest)
