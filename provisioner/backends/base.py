"""The backend interface, and the Terraform + Ansible lifecycle most backends share."""

from __future__ import annotations

import json
import secrets
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from provisioner.backends.common import ports, tfinit, tflock
from provisioner.backends.common.configure import configure_lab, write_inventory
from provisioner.backends.common.findings import Finding
from provisioner.backends.common.render import render_module
from provisioner.backends.common.runner import Runner
from provisioner.backends.common.terraform import Terraform
from provisioner.core import proc, redact
from provisioner.core.deadlines import Cost
from provisioner.core.errors import DeadlineExceeded, UsageError
from provisioner.core.state import write_private
from provisioner.definitions import parts
from provisioner.lifecycle.steps import Context, Produced, Step, Target

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

# A resource a backend made and labelled whose instance is gone from state: backend, kind, id, instance.
Orphan = dict[str, str]
Progress = Callable[[str], None]


class Backend(ABC):
    """One way of making sandboxes. A backend that spreads instances over several machines
    implements the same steps; where an instance lives is its own business, kept in state."""

    name: str

    def __init__(self, run: Runner = proc.run) -> None:
        self.run = run  # every subprocess goes through it; unit tests pass a fake

    def accepts(self, lab: Lab) -> None:
        """Raise UsageError when this backend cannot make `lab`'s sandbox; a backend makes its
        own labs, a target (`up --target`) those it places elsewhere."""
        if lab.sandbox.backend != self.name:
            raise UsageError(
                f"{lab.id} is a {lab.sandbox.backend} lab: the {self.name} target cannot make it",
                f"run `lab up {lab.id}` without --target",
            )

    def check_room(self, lab: Lab, target: Target, count: int) -> None:
        """Raise InfraError when `count` sandboxes of `lab` do not fit the target (a cohort's, before
        anything is made); a backend on this machine leaves that to the cohort's own check."""
        return None

    @abstractmethod
    def preflight(self, ctx: Context) -> None:
        """Raise InfraError (with a fix) when this machine cannot run the lab now."""

    @abstractmethod
    def up_steps(self) -> list[Step]: ...

    @abstractmethod
    def down_steps(self) -> list[Step]:
        """Must work from partial or missing state, without the lab definition."""

    @abstractmethod
    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        """argv that runs `argv` inside the sandbox host `host`."""

    def after_ready_steps(self) -> list[Step]:
        """Steps run once the readiness checks have passed, on the ready sandbox; none by default."""
        return []

    def reset_steps(self) -> list[Step]:
        """Steps that bring a made sandbox back to how `up` left it; none: this backend cannot."""
        return []

    def unavailable_components(self, ctx: Context) -> dict[str, str]:
        """Optional components that cannot run here, with the reason (reported, never passed)."""
        return {}

    def machine_env(self, ctx: Context) -> dict[str, str]:
        """Environment of commands run on this machine against the sandbox: checks without a
        host, solution playbooks and scripts (e.g. the KUBECONFIG of a cluster)."""
        return {}

    def endpoint_tunnels(self, ctx: Context) -> AbstractContextManager[dict[str, str]]:
        """Endpoints as checks on this machine reach them while the block runs (name -> address,
        over those in state): none by default, since a local sandbox's ports are published here."""
        return nullcontext({})

    def step(self, name: str, phase: str = "up") -> Step:
        """One lifecycle step by its name (as the ledger records it)."""
        steps = self.up_steps() if phase == "up" else self.down_steps()
        found = next((s for s in steps if s.name == name), None)
        if found is None:
            raise UsageError(f"the {self.name} backend has no {phase} step {name!r}: {[s.name for s in steps]}")
        return found

    def doctor(self, fix: bool = False) -> list[Finding]:
        """This backend's readiness on this machine, each failure with its fix; `fix` applies the
        safe ones (install and start an engine)."""
        return []

    def build_images(self, labs: list[Lab], progress: Progress) -> dict[str, str]:
        """Build what these labs need before `up` (image name -> tag or path)."""
        names = ", ".join(lab.id for lab in labs)
        raise UsageError(f"{names} runs on the {self.name} backend: it has no images to build")

    def orphans(self, known: set[str]) -> list[Orphan]:
        """Resources this state root made and labelled whose instance (key) is not in `known`."""
        return []

    def remove_orphans(self, found: list[Orphan]) -> None:
        """Remove what orphans() listed (this backend's rows only)."""
        return None  # lists none by default

    def collect_diagnostics(self, ctx: Context, dest: Path) -> None:
        """Add what this backend knows of a failed instance to the bundle folder `dest`."""
        return None  # the common parts of the bundle say it all

    def shell_argv(self, ctx: Context, host: str | None, command: list[str], tty: bool) -> list[str]:
        """argv of `lab shell`: a login (or `command`) in one of the instance's hosts."""
        raise UsageError(f"{ctx.ref.key} runs on the {self.name} backend: `lab shell` has nowhere to log in")


class TerraformBackend(Backend):
    """render -> init -> apply -> configure; destroy -> sweep. Subclasses supply the variables."""

    module: str
    # Deadlines: a base plus so much per component (deadlines.py); a backend whose resources
    # are slower to make (VMs) declares its own.
    costs: ClassVar[dict[str, Cost]] = {
        "apply": Cost(60, 30),
        "destroy": Cost(60, 15),
        "configure": Cost(180, 60),
    }

    # What `lab reset` makes again from the images: the resources that hold a learner's changes.
    reset_types: ClassVar[frozenset[str]] = frozenset()

    def deadline(self, ctx: Context, action: str) -> float:
        return self.costs[action].seconds(units(ctx))

    @abstractmethod
    def tf_vars(self, ctx: Context) -> dict[str, Any]: ...

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        """Ansible connection variables for one host of the Terraform output `hosts`."""
        return {}

    def sweep(self, ctx: Context) -> None:
        """Remove what this instance made and Terraform does not know about (e.g. after kill -9)."""

    def up_steps(self) -> list[Step]:
        return [
            Step("prepare", "generating per-instance secrets", prepare),
            Step("render", "rendering the Terraform working directory", self.render),
            Step("init", "initialising Terraform", self.init),
            Step("apply", "creating the sandbox's resources", self.apply),
            Step("configure", "configuring the sandbox with Ansible", self.configure),
        ]

    def reset_steps(self) -> list[Step]:
        """The shared up steps with `apply` as `replace`; not `prepare`: the secrets stay."""
        if not self.reset_types:
            return []
        replace = Step("replace", "making the sandbox's containers and volumes again", self.replace)
        shared = TerraformBackend.up_steps(self)  # not a subclass's extras: images and ports stay too
        return [replace if s.name == "apply" else s for s in shared if s.name != "prepare"]

    def down_steps(self) -> list[Step]:
        return [
            Step("destroy", "destroying the sandbox's resources", self.settled_destroy),
            Step("sweep", "removing anything left behind", self.sweep),
        ]

    def settled_destroy(self, ctx: Context) -> None:
        """`destroy`, once no Terraform an interrupted run left going still works here: what it
        is making would be missed by the destroy, or break under the sweep."""
        tflock.settle(self.workdir(ctx), self.deadline(ctx, "apply"), ctx.report.info)
        self.destroy(ctx)

    def workdir(self, ctx: Context) -> Path:
        return ctx.store.path("terraform")

    def terraform(self, ctx: Context) -> Terraform:
        return Terraform(self.workdir(ctx), on_event=lambda e: _tf_progress(ctx, e), run=self.run)

    def render(self, ctx: Context) -> None:
        render_module(parts.terraform_module(ctx.require_lab().sandbox.backend), self.workdir(ctx), ctx)
        write_private(self.workdir(ctx) / "terraform.tfvars.json", json.dumps(self.tf_vars(ctx), indent=2))

    def allocate_ports(self, ctx: Context) -> Produced:
        """The `ports` step of backends that publish ports: on a fresh instance each must be free."""
        return ports.allocate(ctx, fresh=not (self.workdir(ctx) / "terraform.tfstate").exists())

    def init(self, ctx: Context) -> None:
        tfinit.ensure(self.workdir(ctx), self.terraform(ctx))

    def apply(self, ctx: Context) -> Produced:
        return self._apply(ctx, self.terraform(ctx), [])

    def replace(self, ctx: Context) -> Produced:
        tf = self.terraform(ctx)
        return self._apply(ctx, tf, tf.addresses(self.reset_types))

    def _apply(self, ctx: Context, tf: Terraform, replace: list[str]) -> Produced:
        tf.apply(self.deadline(ctx, "apply"), replace=replace)
        outputs = tf.output()
        return {"endpoints": outputs.get("endpoints") or {}, "hosts": outputs.get("hosts") or {}}

    def inventory(self, ctx: Context) -> Path:
        hosts = ctx.store.load().hosts
        return write_inventory(ctx, {h: dict(v) | self.connection(ctx, h, v) for h, v in hosts.items()})

    def configure(self, ctx: Context) -> None:
        inventory = self.inventory(ctx)
        configure_lab(ctx, lambda: inventory, self.deadline(ctx, "configure"), self.machine_env(ctx))

    def destroy(self, ctx: Context) -> None:
        workdir = self.workdir(ctx)
        if not (workdir / "terraform.tfstate").exists():
            return  # apply never began: nothing Terraform made
        tf = self.terraform(ctx)
        tfinit.ensure(workdir, tf)
        try:
            tf.destroy(self.deadline(ctx, "destroy"))
        except DeadlineExceeded as exc:
            # A hung provider must not keep the sandbox: the sweep step that follows removes
            # everything by its labels, and the ledger says why Terraform's state was dropped.
            ctx.store.record("destroy-deadline", seconds=round(exc.seconds), run=ctx.run_id)
            ctx.report.info(f"{exc.message}; removing the sandbox by its labels instead")
            (workdir / "terraform.tfstate").unlink(missing_ok=True)
        shutil.rmtree(workdir / ".terraform", ignore_errors=True)


def units(ctx: Context) -> int:
    """Components of the instance: from the definition, else (down from state alone) its hosts."""
    if ctx.lab is not None:
        return len(ctx.lab.sandbox.components)
    return len(ctx.store.load().hosts) or 1


def prepare(ctx: Context) -> None:
    """Generate each secret once per instance; later runs reuse them (the step is idempotent)."""
    lab = ctx.require_lab()
    current = ctx.store.secrets()
    wanted = {name: current.get(name) or secrets.token_urlsafe(18) for name in lab.sandbox.secrets}
    if wanted != current:
        ctx.store.save_secrets(wanted)
    redact.register(*wanted.values())


def _tf_progress(ctx: Context, event: dict[str, Any]) -> None:
    kind = event.get("type")
    if kind in ("apply_complete", "apply_errored", "diagnostic", "change_summary") or (
        kind == "log" and event.get("@message", "").strip()
    ):
        ctx.report.info(redact.redact(str(event.get("@message", "")).strip()))
