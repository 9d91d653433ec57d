"""The `vm` backend: real virtual machines through libvirt (qemu:///system), made by Terraform's
libvirt provider (dmacvicar/libvirt 0.8.3) and configured by Ansible over SSH.

Per instance: a storage pool `lab-<lab>-<instance>` holding a thin qcow2 overlay on the shared base
image (images.py), a cloud-init seed ISO per VM (seed.py: user `learner`, the instance's own SSH
key) attached as a plain file, and one domain per component, `lab-<lab>-<instance>-<component>`,
booted directly from the base image's kernel. Each VM's NIC is QEMU's user network with its ports
forwarded from 127.0.0.1 only: nothing is ever reached through a bridge address. KVM is used where
a probe boots a kernel under it, else TCG (accel.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from provisioner import TOOL
from provisioner.backends.base import Orphan, Progress, TerraformBackend
from provisioner.backends.common import ports
from provisioner.backends.common.findings import Finding
from provisioner.backends.common.hosts import pick_host
from provisioner.backends.common.ownership import home_id
from provisioner.backends.vm import boot, diagnostics, doctor, orphans, shell, snapshot
from provisioner.backends.vm.accel import probe_accel
from provisioner.backends.vm.bake import ensure_lab_image
from provisioner.backends.vm.libvirt import CONSOLE_LOG_DIR, URI, libvirt_fix, libvirt_version, storage_root
from provisioner.backends.vm.seed import drop_streamed_seeds, iso_tool, write_seed
from provisioner.core.deadlines import Cost
from provisioner.core.errors import InfraError, UsageError
from provisioner.lifecycle.steps import Context, Produced, Step

if TYPE_CHECKING:
    from provisioner.definitions.model import Lab

CMDLINE = {"root": "LABEL=labroot", "console": "ttyS0,115200", "_": "ro quiet"}


def description(ctx: Context) -> str:
    """Ownership metadata of every domain, with the state root that made it (gc). No run id: the
    provider replaces a domain whose description changes, and a second `up` must not reboot a
    running VM."""
    owner = {"tool": TOOL, "lab": ctx.ref.lab, "instance": ctx.ref.key, "student": ctx.store.load().student or ""}
    return json.dumps(owner | {"home": home_id()}, sort_keys=True)


class VmBackend(TerraformBackend):
    """Libvirt VMs made by Terraform, configured by Ansible over SSH."""

    name = "vm"
    # Ansible over SSH into a software-emulated guest costs 5-8 s a task; a VM's destroy ~3 s.
    costs: ClassVar[dict[str, Cost]] = TerraformBackend.costs | {"configure": Cost(600, 300)}

    def preflight(self, ctx: Context) -> None:
        libvirt_version(self.run)
        missing = [t for t in ("qemu-img", "xsltproc", "ssh", "ssh-keygen") if not shutil.which(t)]
        if not iso_tool():
            missing.append("mkisofs (or genisoimage)")
        if missing:
            raise InfraError(f"missing on PATH: {', '.join(missing)} (the vm backend needs them)", libvirt_fix())
        for c in ctx.require_lab().sandbox.components:
            if not any(p.port == 22 for p in c.ports):
                raise UsageError(f"{ctx.ref.lab}: VM component {c.name!r} needs a port 22 (scheme ssh)")

    def up_steps(self) -> list[Step]:
        steps = super().up_steps()
        # Ports last, just before Terraform starts the VMs: another state root's sandbox may take
        # a free port meanwhile, and an image build can take minutes.
        extra = [
            Step("key", "generating the instance's SSH key", lambda ctx: shell.ensure_key(self.run, ctx)),
            Step("image", "making sure the VM image is built and published", self.ensure_image),
            Step("seed", "writing each VM's cloud-init seed", self.make_seeds),
            Step("ports", "allocating ports on 127.0.0.1", self.allocate_ports),
        ]
        boot_step = Step("boot", "waiting for the VMs to boot and answer SSH", lambda ctx: boot.wait_ssh(self.run, ctx))
        return [steps[0], *extra, *steps[1:4], boot_step, *steps[4:]]

    def after_ready_steps(self) -> list[Step]:
        # Of a sandbox readiness has proved; and not before the checks, which would then meet a
        # just-restored guest (under emulation, tens of seconds slow while it warms up again).
        return [Step("snapshot", "a snapshot of each VM for `lab reset`", lambda ctx: snapshot.take(self.run, ctx))]

    def reset_steps(self) -> list[Step]:
        """Back to the snapshot `up` took of the ready VM: no boot and no Ansible pass."""
        return [Step("restore", "restoring each VM from its snapshot", lambda ctx: snapshot.restore(self.run, ctx))]

    def down_steps(self) -> list[Step]:
        return [*super().down_steps(), Step("ports", "releasing ports", ports.release)]

    # -- up steps ---------------------------------------------------------------------------

    def ensure_image(self, ctx: Context) -> Produced:
        image = ensure_lab_image(self.run, ctx.require_lab(), ctx.report.info)
        accel, detail = probe_accel(self.run, image.kernel)
        ctx.report.info(detail)
        return {"vm_image": image.as_dict(), "accel": accel}

    def make_seeds(self, ctx: Context) -> Produced:
        public_key = shell.key_file(ctx).with_suffix(".pub").read_text().strip()
        components = ctx.require_lab().sandbox.components
        seeds = {c.name: str(write_seed(self.run, ctx.name, c.name, public_key)) for c in components}
        return {"seeds": seeds}

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab, state = ctx.require_lab(), ctx.store.load()
        image = state.vm_image
        vms = {
            c.name: {
                "memory_mb": c.memory_mb,
                "vcpus": max(1, int(c.cpus)),
                "seed": state.seeds[c.name],
                "ports": [
                    {"name": p.name, "internal": p.port, "external": state.ports[p.name], "scheme": p.scheme}
                    for p in c.ports
                ],
            }
            for c in lab.sandbox.components
        }
        return {
            "name": ctx.name,
            "description": description(ctx),
            "libvirt_uri": URI,
            "domain_type": state.accel or "qemu",
            "pool_dir": str(storage_root() / ctx.name),
            "base_volume_id": image["root"],
            "kernel": image["kernel"],
            "initrd": image["initrd"],
            "cmdline": CMDLINE,
            "console_log_dir": str(CONSOLE_LOG_DIR),
            "bind_address": "127.0.0.1",
            "ssh_user": shell.SSH_USER,
            "ssh_key_file": str(shell.key_file(ctx)),
            "vms": vms,
        }

    def apply(self, ctx: Context) -> Produced:
        drop_streamed_seeds(self.run, self.workdir(ctx))
        return super().apply(ctx)

    # -- connection -------------------------------------------------------------------------

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return shell.connection(ctx, hostvars)

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        """Checks and solution scripts run as root inside the VM (like `docker exec`)."""
        return shell.ssh_argv(ctx, host, ["sudo", "-n", "--", *argv], multiplex=True)

    def shell_argv(self, ctx: Context, host: str | None, command: list[str], tty: bool) -> list[str]:
        """ssh into a VM as the learner (the lab's first VM unless `host`); a command as ONE argument."""
        name = pick_host(ctx, host, "VM")
        return shell.ssh_argv(ctx, name, command or None, tty=tty)

    # -- down -------------------------------------------------------------------------------

    def destroy(self, ctx: Context) -> None:
        drop_streamed_seeds(self.run, self.workdir(ctx))
        super().destroy(ctx)

    def sweep(self, ctx: Context) -> None:
        """This instance's domains (name prefix + the instance in their metadata), its pool and
        volumes, overlay files, cloud-init seeds and console logs; nothing else."""
        state = ctx.store.load()
        shell.close_shared(self.run, state.hosts)
        slug = ctx.name
        mine = orphans.sweep_libvirt(self.run, slug, ctx.ref.key) if shutil.which("virsh") else []
        shutil.rmtree(storage_root() / slug, ignore_errors=True)
        seeds = state.seeds
        components = set(state.hosts) | set(seeds) | {n.removeprefix(slug + "-") for n in mine}
        if ctx.lab:
            components |= {c.name for c in ctx.lab.sandbox.components}
        for component in components:
            orphans.remove_files(f"{slug}-{component}")
        orphans.remove_seeds(slug, [Path(p) for p in seeds.values()])

    # -- the machine ------------------------------------------------------------------------

    def doctor(self, fix: bool = False) -> list[Finding]:
        return doctor.findings(self.run, fix)

    def build_images(self, labs: list[Lab], progress: Progress) -> dict[str, str]:
        """The images these labs boot, built and published into the libvirt pool: the variant, or
        the lab's own image where it bakes an image playbook into the variant."""
        libvirt_version(self.run)  # the image is published into a libvirt pool
        built = {}
        for lab in labs:
            image = ensure_lab_image(self.run, lab, progress)
            name = f"vm-lab:{lab.id}" if lab.provision.image_playbook else f"vm-base:{image.variant}"
            built[name] = str(image.root)
        return built

    def orphans(self, known: set[str]) -> list[Orphan]:
        return orphans.orphans(self.run, known) if shutil.which("virsh") else []

    def remove_orphans(self, found: list[Orphan]) -> None:
        orphans.remove(self.run, [o for o in found if o.get("backend") == self.name])

    def collect_diagnostics(self, ctx: Context, dest: Path) -> None:
        diagnostics.collect(self.run, ctx, dest)
