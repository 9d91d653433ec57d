"""The `kind` backend: one Kubernetes cluster per instance, its nodes containers on the local
Docker engine, made by the kind CLI under Terraform (terraform/kind), configured by Ansible's
kubernetes.core from this machine through the instance's own kubeconfig."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from provisioner import TOOL
from provisioner.backends.base import Orphan, Progress, TerraformBackend
from provisioner.backends.common import images as common_images
from provisioner.backends.common import ports
from provisioner.backends.common.engine import engine_running
from provisioner.backends.common.findings import Finding
from provisioner.backends.common.ownership import home_id
from provisioner.backends.kind import cluster, doctor, images, nodes, tools
from provisioner.backends.kind.config import cluster_config
from provisioner.core.deadlines import Cost
from provisioner.core.state import write_private
from provisioner.lifecycle.steps import Context, Produced, Step

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

__all__ = ["KindBackend"]


class KindBackend(TerraformBackend):
    """A kind cluster per instance; checks and solutions reach it with KUBECONFIG set."""

    name = "kind"
    # Per node: kind starts and joins nodes one after another.
    costs: ClassVar[dict[str, Cost]] = {
        "apply": Cost(120, 60),
        "destroy": Cost(60, 15),
        "nodes": Cost(120, 60),
        "configure": Cost(300, 60),
    }

    def preflight(self, ctx: Context) -> None:
        engine_running(self.run)
        cluster.require_privileged(self.run)

    def up_steps(self) -> list[Step]:
        prepare, render, init, apply, configure = super().up_steps()
        return [
            prepare,
            Step("images", "making sure the node image and the lab's images are built", self.ensure_images),
            Step("ports", "allocating ports on 127.0.0.1", self.allocate_ports),
            render,
            init,
            apply,
            Step("nodes", "waiting for the cluster's nodes", self.wait_nodes),
            Step("load", "loading the lab's images into the nodes", self.load_images),
            configure,
        ]

    def down_steps(self) -> list[Step]:
        return [*super().down_steps(), Step("ports", "releasing ports", ports.release)]

    def ensure_images(self, ctx: Context) -> Produced:
        node = images.ensure_node(ctx.report.info, self.run)
        loaded = images.ensure_cluster_images(_component(ctx).load, ctx.report.info, self.run)
        return {"images": {"node": node} | {tag: tag for tag in loaded}}

    def render(self, ctx: Context) -> None:
        super().render(ctx)
        config = cluster_config(ctx.require_lab(), ctx.name, ctx.store.load().ports)
        write_private(self.workdir(ctx) / "kind-config.json", json.dumps(config, indent=2))

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab, state = ctx.require_lab(), ctx.store.load()
        component = _component(ctx)
        labels = {"tool": TOOL, "lab": lab.id, "run": ctx.run_id, "student": state.student or ""}
        return {
            "name": ctx.name,
            "kind": tools.binary("kind"),
            "kubectl": tools.binary("kubectl"),
            "image": state.images["node"],
            "config": str(self.workdir(ctx) / "kind-config.json"),
            "kubeconfig": str(tools.kubeconfig(ctx)),
            "labels": {f"org.lab.{k}": v for k, v in labels.items()} | cluster.ownership(ctx.ref.key, home_id()),
            "ports": [{"name": p.name, "external": state.ports[p.name], "scheme": p.scheme} for p in component.ports],
        }

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}

    def apply(self, ctx: Context) -> Produced:
        produced = super().apply(ctx)
        tools.kubeconfig(ctx).chmod(0o600)
        return produced

    def wait_nodes(self, ctx: Context) -> None:
        expected = _component(ctx).nodes
        nodes.wait_ready(tools.kubeconfig(ctx), expected, self.deadline(ctx, "nodes"), ctx.report.info)

    def load_images(self, ctx: Context) -> None:
        tags = [item.tag for item in _component(ctx).load]
        if tags:
            cluster.load(self.run, ctx.name, tags, self.deadline(ctx, "apply"))

    def destroy(self, ctx: Context) -> None:
        # An up killed while kind made the cluster: Terraform never recorded it, and its nodes
        # keep busy the network Terraform is about to remove. kind deletes them by name first.
        if "terraform_data.cluster" not in self.terraform(ctx).addresses(frozenset({"terraform_data"})):
            cluster.delete(self.run, ctx.name, tools.kubeconfig(ctx))
        super().destroy(ctx)

    def sweep(self, ctx: Context) -> None:
        cluster.remove(self.run, ctx.name, ctx.ref.key, tools.kubeconfig(ctx))
        tools.kubeconfig(ctx).unlink(missing_ok=True)

    def machine_env(self, ctx: Context) -> dict[str, str]:
        return tools.machine_env(ctx)

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        """A command "in" the cluster runs on this machine with the instance's kubeconfig."""
        return ["env", *(f"{k}={v}" for k, v in self.machine_env(ctx).items()), *argv]

    def shell_argv(self, ctx: Context, host: str | None, command: list[str], tty: bool) -> list[str]:
        """A shell on this machine whose kubectl talks to the instance's cluster."""
        return self.exec_argv(ctx, "cluster", command or [os.environ.get("SHELL", "bash")])

    def doctor(self, fix: bool = False) -> list[Finding]:
        return doctor.findings(self.run, fix)

    def build_images(self, labs: list[Lab], progress: Progress) -> dict[str, str]:
        engine_running(self.run)
        built = {"kind-node": images.ensure_node(progress, self.run)}
        for lab in labs:
            wanted = [item for c in lab.sandbox.components for item in c.load]
            built |= {tag: tag for tag in images.ensure_cluster_images(wanted, progress, self.run)}
            # and under their content-hash tags, the ones a registry serves (`lab images push`)
            built |= {i.image: common_images.ensure(i.image, progress, self.run) for i in wanted}
        return built

    def orphans(self, known: set[str]) -> list[Orphan]:
        return cluster.orphans(self.run, known, home_id())

    def remove_orphans(self, found: list[Orphan]) -> None:
        for item in found:
            if item.get("backend") == self.name:
                cluster.remove(self.run, item["id"], item["instance"])

    def collect_diagnostics(self, ctx: Context, dest: Path) -> None:
        cluster.export_logs(self.run, ctx.name, dest)


def _component(ctx: Context) -> Any:
    """The lab's one cluster component."""
    return ctx.require_lab().sandbox.components[0]
