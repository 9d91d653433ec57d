"""The `docker` backend: one network, containers and volumes per instance on the local engine,
made by Terraform's Docker provider (kreuzwerker/docker) and configured by Ansible over
`docker exec` (community.docker.docker). Every resource carries ownership labels."""

from __future__ import annotations

from typing import Any

from provisioner import TOOL
from provisioner.backends.base import TerraformBackend
from provisioner.backends.common import images
from provisioner.checks.runner import render
from provisioner.core import ports
from provisioner.core.errors import InfraError, LabError
from provisioner.core.proc import run
from provisioner.lifecycle.steps import Context, Step

LABEL_INSTANCE = "org.lab.instance"
LABEL_HOME = "org.lab.home"


def home_label() -> str:
    """Which state root made a resource: gc and sweep never touch another LAB_HOME's sandboxes."""
    import hashlib

    from provisioner.core import paths

    return f"{LABEL_HOME}={hashlib.sha256(str(paths.lab_home().resolve()).encode()).hexdigest()[:12]}"


def container_name(ctx: Context, component: str) -> str:
    return f"{ctx.ref.slug}-{component}"


class DockerBackend(TerraformBackend):
    name = "docker"

    def preflight(self, ctx: Context) -> None:
        engine_running()
        if not (self.workdir(ctx) / "terraform.tfstate").exists():
            refuse_foreign(ctx.ref.key)

    def up_steps(self) -> list[Step]:
        steps = super().up_steps()
        # Ports after images, just before Terraform binds them: a build can take minutes, and
        # another state root's sandbox may take a port that was free when it was allocated.
        extra = [
            Step("images", "making sure the lab's images are built", self.build_images),
            Step("ports", "allocating ports on 127.0.0.1", self.allocate_ports),
        ]
        return [steps[0], *extra, *steps[1:]]

    def down_steps(self) -> list[Step]:
        return [*super().down_steps(), Step("ports", "releasing ports", lambda ctx: ports.release(ctx.ref.key))]

    def allocate_ports(self, ctx: Context) -> None:
        names = [p.name for c in ctx.require_lab().sandbox.components for p in c.ports]
        allocated = ports.allocate(ctx.ref.key, names)
        if not (self.workdir(ctx) / "terraform.tfstate").exists():  # fresh: every port must be free now
            for name, port in allocated.items():
                if not ports.is_free(port):
                    owner = ports.owner_of(port) or "an unknown process"
                    raise InfraError(
                        f"port 127.0.0.1:{port} for {name!r} is taken by {owner}",
                        "stop that process, or run `lab down` then `lab up` to pick new ports",
                    )
        ctx.store.update(ports=allocated)

    def build_images(self, ctx: Context) -> None:
        """An optional component whose image has no Dockerfile here, or fails to build (e.g. it
        needs an upstream download), is left out with the reason in state["unavailable"]."""
        tags, unavailable = {}, {}
        for c in ctx.require_lab().sandbox.components:
            if not c.image:
                continue
            try:
                tags[c.name] = images.ensure(c.image, ctx.report.info)
            except LabError as exc:
                if not c.optional:
                    raise
                unavailable[c.name] = f"{exc.message} (optional: the sandbox runs without it)"
                ctx.report.info(f"optional component {c.name} is unavailable: {unavailable[c.name]}")
        ctx.store.update(images=tags, unavailable=unavailable)

    def unavailable_components(self, ctx: Context) -> dict[str, str]:
        return dict(ctx.store.read().get("unavailable") or {})

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab, state = ctx.require_lab(), ctx.store.read()
        values = {"secrets": ctx.store.secrets(), "instance": ctx.ref.instance, "lab_id": lab.id}
        containers = {
            c.name: {
                "image": state["images"][c.name],
                "env": {k: render(v, values) for k, v in c.env.items()},
                "ports": [
                    {"name": p.name, "internal": p.port, "external": state["ports"][p.name], "scheme": p.scheme}
                    for p in c.ports
                ],
                "volumes": list(c.volumes),
                "command": list(c.command or []),
                "memory_mb": c.memory_mb,
            }
            for c in lab.sandbox.components
            if c.image and c.name in state["images"]
        }
        labels = {
            f"org.lab.{k}": v
            for k, v in {"tool": TOOL, "lab": lab.id, "run": ctx.run_id, "student": state.get("student") or ""}.items()
        }
        return {
            "name": ctx.ref.slug,
            "bind_address": "127.0.0.1",
            "containers": containers,
            "labels": labels | {LABEL_INSTANCE: ctx.ref.key, LABEL_HOME: home_label().split("=", 1)[1]},
        }

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return {
            "ansible_connection": "community.docker.docker",
            "ansible_host": hostvars["container"],
            "ansible_python_interpreter": "/usr/bin/python3",
        }

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        return ["docker", "exec", container_name(ctx, host), *argv]

    def sweep(self, ctx: Context) -> None:
        sweep_labelled(f"{LABEL_INSTANCE}={ctx.ref.key}", home_label())


def engine_running() -> str:
    """The engine's version, or an InfraError saying how to start it."""
    from provisioner.lifecycle.doctor import docker_fix

    result = run(["docker", "info", "--format", "{{.ServerVersion}}"], check=False, timeout=20)
    if result.returncode != 0 or not result.stdout.strip():
        raise InfraError("the Docker engine is not running (`docker info` got no answer)", docker_fix())
    return result.stdout.strip()


# How to list and remove each kind of resource; in removal order (containers hold networks and volumes).
LIST = {"container": ["ps", "-a"], "network": ["network", "ls"], "volume": ["volume", "ls"]}
REMOVE = {"container": ["rm", "-f", "-v"], "network": ["network", "rm"], "volume": ["volume", "rm", "-f"]}


def labelled(kind: str, *labels: str, show: str | None = None) -> list[str]:
    """IDs of containers, networks or volumes carrying every label (key or key=value); nothing else.
    With show, each line is "ID VALUE" where VALUE is that label's value."""
    fmt = "{{.Name}}" if kind == "volume" else "{{.ID}}"
    fmt += f' {{{{.Label "{show}"}}}}' if show else ""
    filters = [arg for label in labels for arg in ("--filter", f"label={label}")]
    out = run(["docker", *LIST[kind], *filters, "--format", fmt], timeout=60).stdout
    return out.splitlines() if show else out.split()


def refuse_foreign(key: str) -> None:
    """Names come from lab and instance only, and Docker hands back an existing volume of the same
    name: a second state root making the same instance would adopt, then delete, another's data."""
    mine = home_label().split("=", 1)[1]
    for kind in LIST:
        homes = [line.partition(" ")[2] for line in labelled(kind, f"{LABEL_INSTANCE}={key}", show=LABEL_HOME)]
        if any(home != mine for home in homes):
            raise InfraError(
                f"{key} already exists on this Docker engine, made from another state root (LAB_HOME): "
                f"a {kind} carries its labels",
                "use another --instance, or run `lab down` for it with that LAB_HOME",
            )


def sweep_labelled(*labels: str) -> None:
    """Containers first (they hold networks and volumes), then networks, then volumes."""
    for kind, rm in REMOVE.items():
        ids = labelled(kind, *labels)
        if ids:
            run(["docker", *rm, *ids], timeout=120)
