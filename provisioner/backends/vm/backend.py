"""The `vm` backend: real virtual machines through libvirt (qemu:///system), made by Terraform's
libvirt provider (dmacvicar/libvirt 0.8.3) and configured by Ansible over SSH.

Per instance: a storage pool `lab-<lab>-<instance>` holding a thin qcow2 overlay on the shared base
image, a cloud-init seed ISO per VM (user `learner`, the instance's own SSH key) made here and
attached as a plain file, and one domain per component, `lab-<lab>-<instance>-<component>`, booted
directly from the base image's kernel. Each VM's NIC is QEMU's user network with its ports
forwarded from 127.0.0.1 only: nothing is ever reached through a bridge address. KVM is used where
a probe boots a kernel under it, else TCG.

No libvirt stream is ever opened through the provider: its libvirt client can deadlock on a volume
download (see docs/troubleshooting.md), so the seed is not a `libvirt_cloudinit_disk`, whose every
refresh downloads the ISO.

Shared, built once: the VM image (images/vm-base/build, cached by content hash in
~/.local/share/lab/vm-images) published into the `lab-images` pool under the storage root
(/var/lib/libvirt/images/lab: QEMU runs as libvirt-qemu and cannot read under /root or a 0700
LAB_HOME)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from provisioner import TOOL
from provisioner.backends.base import TerraformBackend
from provisioner.core import deadlines, paths, ports
from provisioner.core.deadlines import Cost
from provisioner.core.errors import InfraError, UsageError
from provisioner.core.proc import run
from provisioner.lifecycle.steps import Context, Step

URI = "qemu:///system"
IMAGES_POOL = "lab-images"
IMAGE_FOLDER = "vm-base"
VARIANTS = ("base", "docker")
VARIANT_VAR = "vm_image_variant"  # provision.vars key choosing the image variant
SSH_USER = "learner"
CONSOLE_LOG_DIR = Path("/var/log/libvirt/qemu")
CMDLINE = {"root": "LABEL=labroot", "console": "ttyS0,115200", "_": "ro quiet"}
SSH_OPTIONS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
    "-o", "IdentitiesOnly=yes",
]  # fmt: skip
Progress = Callable[[str], None]


def storage_root() -> Path:
    """Where libvirt keeps lab disks; QEMU (user libvirt-qemu) must be able to traverse it."""
    return Path(os.environ.get("LAB_VM_STORAGE", "/var/lib/libvirt/images/lab"))


def seed_dir() -> Path:
    """Cloud-init seed ISOs of every instance (outside any pool: a pool's folder must be empty
    for Terraform to delete the pool)."""
    return storage_root() / "seeds"


def image_cache() -> Path:
    default = Path.home() / ".local" / "share" / "lab" / "vm-images"
    return Path(os.environ.get("LAB_VM_IMAGES", default))


def virsh(*args: str, check: bool = True, timeout: float = 60) -> str:
    return run(["virsh", "-q", "-c", URI, *args], check=check, timeout=timeout).stdout


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


# ------------------------------------------------------------------------------------ libvirt


def libvirt_version() -> str:
    """'libvirt 9.0.0, QEMU 7.2.x', or an InfraError saying how to get libvirtd running."""
    if not shutil.which("virsh"):
        raise InfraError("libvirt is not installed (no virsh on PATH)", libvirt_fix())
    result = run(["virsh", "-c", URI, "version"], check=False, timeout=20)
    if result.returncode != 0:
        raise InfraError(f"libvirtd does not answer on {URI}: {result.stderr_tail.strip()[:200]}", libvirt_fix())
    info = dict((k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in result.stdout.splitlines()) if v)
    lib = info.get("Using library", "").replace("libvirt ", "")
    return f"libvirt {lib}, {info.get('Running hypervisor', '?')}"


def libvirt_fix() -> str:
    if os.geteuid() == 0 and Path("/etc/debian_version").exists():
        return "lab doctor --fix (installs libvirt and QEMU if needed and starts virtlogd/libvirtd)"
    return "install libvirt and QEMU and start libvirtd (see scripts/install-libvirt)"


# --------------------------------------------------------------------------------- KVM or TCG


def _boot_id() -> str:
    with contextlib.suppress(OSError):
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return ""


def probe_accel(kernel: Path | None = None, timeout: float = 20) -> tuple[str, str]:
    """('kvm'|'qemu', why). KVM only if a guest really runs under it: on some hosts KVM_CREATE_VM
    works but a guest hangs, so boot the image's kernel (it panics without a root disk: that
    line is the proof) or, without a kernel, the firmware, each under a timeout."""
    forced = os.environ.get("LAB_VM_ACCEL")
    if forced in ("kvm", "qemu"):
        return forced, f"forced by LAB_VM_ACCEL={forced}"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "qemu", "no usable /dev/kvm: TCG (software emulation)"
    # Once per host boot: a kernel probe answers for any kernel; a firmware probe only until a
    # kernel can be probed.
    cache = image_cache() / "accel.json"
    has_kernel = bool(kernel and kernel.is_file())
    key = f"{_boot_id()}:{'kernel' if has_kernel else 'firmware'}"
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(cache.read_text())
        if cached.get("key") in (key, f"{_boot_id()}:kernel"):
            return str(cached["accel"]), str(cached["detail"]) + " (probed earlier this boot)"
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        return "qemu", "no qemu-system-x86_64 to probe KVM with"
    base = [qemu, "-accel", "kvm", "-m", "256", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"]
    if has_kernel:
        argv = [*base, "-serial", "stdio", "-kernel", str(kernel), "-append", "console=ttyS0 panic=-1"]
        proof, what = ("Kernel panic", "VFS: Unable to mount root"), "a kernel booted"
    else:
        argv = [*base, "-serial", "none", "-debugcon", "stdio", "-global", "isa-debugcon.iobase=0x402"]
        proof, what = ("Booting from", "No bootable device"), "the firmware ran (kernel untested)"
    started = time.monotonic()
    seen: list[str] = []

    def on_line(line: str) -> None:
        seen.append(line)

    result = run(argv, check=False, timeout=timeout, on_line=on_line)
    took = time.monotonic() - started
    output = "\n".join(seen)
    if any(p in output for p in proof):
        accel, detail = "kvm", f"KVM works: {what} under KVM in {took:.1f} s"
    else:
        last = next((s.strip() for s in reversed(seen) if s.strip()), "nothing")
        detail = f"KVM present but a guest did not boot under it in {took:.0f} s (rc {result.returncode}, "
        accel, detail = "qemu", detail + f"last output: {last[:80]!r}): TCG"
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "accel": accel, "detail": detail}))
    return accel, detail


# --------------------------------------------------------------------------------- the image


@dataclass(frozen=True)
class VmImage:
    variant: str
    hash: str
    root: Path  # published base qcow2 (its path is its volume key in the lab-images pool)
    kernel: Path
    initrd: Path

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items()}


def image_hash(variant: str) -> str:
    """Of the build script and, for the docker variant, the Dockerfiles of the images it carries."""
    folder = paths.IMAGES_DIR / IMAGE_FOLDER
    digest = hashlib.sha256(f"{variant}\0".encode())
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = file.relative_to(folder)
        if rel.parts[0] == "docker" and variant != "docker":
            continue
        digest.update(str(rel).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def variant_of(lab: Any) -> str:
    variant = str(lab.provision.vars.get(VARIANT_VAR, "base"))
    if variant not in VARIANTS:
        raise UsageError(f"{lab.id}: provision.vars.{VARIANT_VAR} is {variant!r}: use one of {', '.join(VARIANTS)}")
    return variant


def build_image(variant: str, progress: Progress) -> Path:
    """The cached build of a variant (built now if its content hash is new)."""
    out = image_cache() / f"{variant}-{image_hash(variant)}"
    with _flock(image_cache() / ".build.lock"):
        if (out / "manifest.json").is_file():
            return out
        if variant == "docker":
            from provisioner.backends.common import images
            from provisioner.backends.docker.backend import engine_running

            engine_running()  # the image carries lab/debian:bookworm for the VM's own Docker
            images.ensure_base(progress)
        progress(f"building the VM image {out.name} (debootstrap offline, a few minutes)")
        build = paths.IMAGES_DIR / IMAGE_FOLDER / "build"
        argv = ["bash", str(build), "--variant", variant, "--out", str(out)]
        run(argv, on_line=progress, on_stderr=progress, timeout=deadlines.IMAGE_BUILD.seconds())
    return out


def publish(built: Path, variant: str) -> VmImage:
    """Put the image where QEMU can read it, in the shared `lab-images` pool (idempotent)."""
    target = storage_root() / "images"
    stem = f"vm-{built.name}"
    files = {"root": "root.qcow2", "kernel": "vmlinuz", "initrd": "initrd.img"}
    suffix = {"root": ".qcow2", "kernel": ".vmlinuz", "initrd": ".initrd"}
    image = VmImage(variant, built.name.rsplit("-", 1)[1], *(target / f"{stem}{suffix[k]}" for k in files))
    with _flock(storage_root() / ".publish.lock"):
        target.mkdir(parents=True, exist_ok=True)
        for path in (storage_root(), target):
            path.chmod(0o755)
        for key, name in files.items():
            dest: Path = getattr(image, key)
            if not dest.exists():
                tmp = dest.with_name(f".{dest.name}.tmp")
                tmp.unlink(missing_ok=True)
                try:
                    os.link(built / name, tmp)  # same filesystem: no copy of a GiB
                except OSError:
                    shutil.copyfile(built / name, tmp)
                tmp.chmod(0o644)
                os.replace(tmp, dest)
        _ensure_pool(IMAGES_POOL, target)
        virsh("pool-refresh", IMAGES_POOL)
    return image


def _ensure_pool(name: str, target: Path) -> None:
    result = run(["virsh", "-q", "-c", URI, "pool-dumpxml", name], check=False, timeout=30)
    if result.returncode != 0:
        virsh("pool-define-as", name, "dir", "--target", str(target))
        virsh("pool-autostart", name)
    elif f"<path>{target}</path>" not in result.stdout:
        raise InfraError(
            f"libvirt pool {name!r} exists with another directory than {target}",
            f"set LAB_VM_STORAGE to that pool's parent folder, or `virsh pool-destroy {name}; "
            f"virsh pool-undefine {name}`",
        )
    if name not in virsh("pool-list", "--name").split():  # `pool-list` shows active pools only
        virsh("pool-start", name)


def ensure_image(variant: str, progress: Progress) -> VmImage:
    return publish(build_image(variant, progress), variant)


# --------------------------------------------------------------------------------- the backend


def control_dir() -> Path:
    """Sockets of shared SSH connections: short (a socket path has ~100 bytes), private."""
    import tempfile

    path = Path(tempfile.gettempdir()) / f"lab-ssh-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return path


def key_file(ctx: Context) -> Path:
    return ctx.store.path("ssh", "id_ed25519")


def description(ctx: Context) -> str:
    """Ownership metadata of every domain. No run id: the provider replaces a domain whose
    description changes, and a second `up` must not reboot a running VM."""
    state = ctx.store.read()
    owner = {"tool": TOOL, "lab": ctx.ref.lab, "instance": ctx.ref.key, "student": state.get("student") or ""}
    return json.dumps(owner, sort_keys=True)


class VmBackend(TerraformBackend):
    name = "vm"
    # Ansible over SSH into a software-emulated guest costs 5-8 s a task; a VM's destroy ~3 s.
    costs: ClassVar[dict[str, Cost]] = TerraformBackend.costs | {"configure": Cost(600, 300)}

    def preflight(self, ctx: Context) -> None:
        libvirt_version()
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
            Step("key", "generating the instance's SSH key", self.ensure_key),
            Step("image", "making sure the VM image is built and published", self.ensure_image),
            Step("seed", "writing each VM's cloud-init seed", self.make_seeds),
            Step("ports", "allocating ports on 127.0.0.1", self.allocate_ports),
        ]
        boot = Step("boot", "waiting for the VMs to boot and answer SSH", self.wait_ssh)
        return [steps[0], *extra, *steps[1:4], boot, *steps[4:]]

    def down_steps(self) -> list[Step]:
        return [*super().down_steps(), Step("ports", "releasing ports", lambda ctx: ports.release(ctx.ref.key))]

    # -- up steps ---------------------------------------------------------------------------

    def allocate_ports(self, ctx: Context) -> None:
        names = [p.name for c in ctx.require_lab().sandbox.components for p in c.ports]
        allocated = ports.allocate(ctx.ref.key, names)
        if not (self.workdir(ctx) / "terraform.tfstate").exists():
            for name, port in allocated.items():
                if not ports.is_free(port):
                    owner = ports.owner_of(port) or "an unknown process"
                    raise InfraError(
                        f"port 127.0.0.1:{port} for {name!r} is taken by {owner}",
                        "stop that process, or run `lab down` then `lab up` to pick new ports",
                    )
        ctx.store.update(ports=allocated)

    def ensure_key(self, ctx: Context) -> None:
        key = key_file(ctx)
        if not (key.is_file() and key.with_suffix(".pub").is_file()):
            key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            key.unlink(missing_ok=True)
            key.with_suffix(".pub").unlink(missing_ok=True)
            comment = f"{TOOL}-{ctx.ref.slug}"
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)], timeout=30)
        key.chmod(0o600)
        ctx.store.update(ssh_key=str(key))

    def ensure_image(self, ctx: Context) -> None:
        image = ensure_image(variant_of(ctx.require_lab()), ctx.report.info)
        accel, detail = probe_accel(image.kernel)
        ctx.report.info(detail)
        ctx.store.update(vm_image=image.as_dict(), accel=accel)

    def make_seeds(self, ctx: Context) -> None:
        public_key = key_file(ctx).with_suffix(".pub").read_text().strip()
        seeds = {
            c.name: str(write_seed(ctx.ref.slug, c.name, public_key)) for c in ctx.require_lab().sandbox.components
        }
        ctx.store.update(seeds=seeds)

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab, state = ctx.require_lab(), ctx.store.read()
        image = state["vm_image"]
        vms = {
            c.name: {
                "memory_mb": c.memory_mb,
                "vcpus": max(1, int(c.cpus)),
                "seed": state["seeds"][c.name],
                "ports": [
                    {"name": p.name, "internal": p.port, "external": state["ports"][p.name], "scheme": p.scheme}
                    for p in c.ports
                ],
            }
            for c in lab.sandbox.components
        }
        return {
            "name": ctx.ref.slug,
            "description": description(ctx),
            "libvirt_uri": URI,
            "domain_type": state.get("accel") or "qemu",
            "pool_dir": str(storage_root() / ctx.ref.slug),
            "base_volume_id": image["root"],
            "kernel": image["kernel"],
            "initrd": image["initrd"],
            "cmdline": CMDLINE,
            "console_log_dir": str(CONSOLE_LOG_DIR),
            "bind_address": "127.0.0.1",
            "ssh_user": SSH_USER,
            "ssh_key_file": str(key_file(ctx)),
            "vms": vms,
        }

    def apply(self, ctx: Context) -> None:
        drop_streamed_seeds(self.workdir(ctx))
        super().apply(ctx)

    def wait_ssh(self, ctx: Context) -> None:
        """Until every VM runs a command over SSH and cloud-init has finished; fail fast if one stops."""
        timeout = float(os.environ.get("LAB_VM_BOOT_TIMEOUT", "600"))
        hosts = ctx.store.read().get("hosts") or {}
        started = time.monotonic()
        timings = {}
        for host, hv in hosts.items():
            last_note = 0.0
            while True:
                probe = run(self.ssh_argv(ctx, host, ["true"], connect_timeout=5), check=False, timeout=20)
                if probe.returncode == 0:
                    break
                waited = time.monotonic() - started
                state = virsh("domstate", hv["domain"], check=False).strip()
                if state and state not in ("running", "in shutdown"):
                    raise InfraError(
                        f"VM {hv['domain']} is {state} before SSH answered; console: {console_tail(hv['domain'])}",
                        "run `lab up` again with --keep --debug and read the console log",
                    )
                if waited > timeout:
                    raise InfraError(
                        f"VM {hv['domain']} did not answer SSH on 127.0.0.1:{hv['ssh_port']} in {timeout:.0f} s; "
                        f"console: {console_tail(hv['domain'])}",
                        "a slow machine (TCG): set LAB_VM_BOOT_TIMEOUT; else --keep --debug and `virsh console`",
                    )
                if waited - last_note >= 15:
                    ctx.report.info(f"{host}: no SSH yet after {waited:.0f} s ({state or '?'})")
                    last_note = waited
                time.sleep(2)
            timings[host] = round(time.monotonic() - started, 1)
            ctx.report.info(f"{host}: SSH answered after {timings[host]} s")
            done = run(
                self.ssh_argv(ctx, host, ["cloud-init", "status", "--wait"]), check=False, timeout=max(60, timeout)
            )
            if done.returncode not in (0, 2):  # 2: finished with recoverable warnings
                raise InfraError(
                    f"cloud-init failed on {host}: {(done.stdout + done.stderr_tail).strip()[-200:]}",
                    f"`lab shell {ctx.ref.lab}` then `sudo cloud-init status --long`",
                )
        commands = {h: shlex.join(self.ssh_argv(ctx, h, tty=True)) for h in hosts}
        ctx.store.update(ssh_ready_seconds=timings, ssh_ready_at=time.time(), ssh_command=commands)

    # -- connection -------------------------------------------------------------------------

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return {
            "ansible_connection": "ssh",
            "ansible_host": hostvars.get("ssh_host", "127.0.0.1"),
            "ansible_port": hostvars["ssh_port"],
            "ansible_user": hostvars.get("ssh_user", SSH_USER),
            "ansible_ssh_private_key_file": str(key_file(ctx)),
            "ansible_ssh_common_args": " ".join(SSH_OPTIONS),
            "ansible_become": True,
            "ansible_python_interpreter": "/usr/bin/python3",
        }

    def ssh_argv(
        self,
        ctx: Context,
        host: str,
        remote: list[str] | None = None,
        *,
        tty: bool = False,
        connect_timeout: int = 10,
        multiplex: bool = False,
    ) -> list[str]:
        """ssh to the VM as the learner; `remote` is sent as ONE shell-quoted argument. With
        `multiplex`, commands share one connection for a minute (a new SSH handshake costs a
        TCG guest about 2 s; checks run dozens of commands)."""
        hv = (ctx.store.read().get("hosts") or {}).get(host)
        if not hv:
            raise UsageError(f"{ctx.ref.key} has no VM {host!r}")
        argv = ["ssh", "-i", str(key_file(ctx)), "-p", str(hv["ssh_port"]), *SSH_OPTIONS]
        argv += ["-o", f"ConnectTimeout={connect_timeout}", "-o", "ServerAliveInterval=15"]
        if multiplex:
            argv += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_dir()}/%C", "-o", "ControlPersist=60"]
        argv += ["-t"] if tty else ["-o", "BatchMode=yes", "-T"]
        argv.append(f"{hv.get('ssh_user', SSH_USER)}@{hv.get('ssh_host', '127.0.0.1')}")
        if remote:
            argv.append(shlex.join(remote))
        return argv

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        """Checks and solution scripts run as root inside the VM (like `docker exec`)."""
        return self.ssh_argv(ctx, host, ["sudo", "-n", "--", *argv], multiplex=True)

    # -- down -------------------------------------------------------------------------------

    def destroy(self, ctx: Context) -> None:
        drop_streamed_seeds(self.workdir(ctx))
        super().destroy(ctx)

    def sweep(self, ctx: Context) -> None:
        """This instance's domains (name prefix + the instance in their metadata), its pool and
        volumes, overlay files, cloud-init seeds and console logs; nothing else."""
        state = ctx.store.read()
        for hv in (state.get("hosts") or {}).values():  # shared SSH connections, if any
            target = [f"{hv.get('ssh_user', SSH_USER)}@127.0.0.1", "-p", str(hv.get("ssh_port", 22))]
            run(["ssh", "-o", f"ControlPath={control_dir()}/%C", "-O", "exit", *target], check=False, timeout=10)
        slug, prefix = ctx.ref.slug, ctx.ref.slug + "-"
        mine = _sweep_libvirt(slug, ctx.ref.key) if shutil.which("virsh") else []
        shutil.rmtree(storage_root() / slug, ignore_errors=True)
        seeds = state.get("seeds") or {}
        components = set(state.get("hosts") or {}) | set(seeds) | {n.removeprefix(prefix) for n in mine}
        if ctx.lab:
            components |= {c.name for c in ctx.lab.sandbox.components}
        for component in components:
            for log in (f"{prefix}{component}-console.log", f"{prefix}{component}.log"):
                (CONSOLE_LOG_DIR / log).unlink(missing_ok=True)
            for seed in seed_dir().glob(f"{prefix}{component}-seed-*.iso"):
                seed.unlink(missing_ok=True)
        for path in map(Path, seeds.values()):
            if path.parent == seed_dir() and path.name.startswith(prefix):
                path.unlink(missing_ok=True)


def _sweep_libvirt(slug: str, key: str) -> list[str]:
    """Destroy and undefine the instance's domains, empty and remove its pool; the domain names."""
    prefix = slug + "-"
    mine = [n for n in virsh("list", "--all", "--name", check=False).split() if n.startswith(prefix)]
    mine = [n for n in mine if _owner(n) == key]
    for name in mine:
        virsh("destroy", name, check=False)
        virsh("undefine", name, "--nvram", check=False)
    if slug in virsh("pool-list", "--all", "--name", check=False).split():
        for line in virsh("vol-list", slug, check=False).splitlines():
            if line.split():
                virsh("vol-delete", line.split()[0], "--pool", slug, check=False)
        virsh("pool-destroy", slug, check=False)
        virsh("pool-undefine", slug, check=False)
    return mine


def shell_argv(lab_id: str, instance: str, host: str | None, command: list[str], tty: bool) -> list[str]:
    """`lab shell`: ssh into a running VM sandbox as the learner (a command, if given, as ONE argument)."""
    from provisioner.core.state import InstanceRef, Store

    store = Store(InstanceRef(lab_id, instance))
    state = store.read()
    if state.get("backend") != "vm" or not state.get("hosts"):
        where = f"{lab_id} ({instance})"
        if state.get("backend") and state.get("backend") != "vm":
            raise UsageError(f"{where} runs on the {state['backend']} backend: `lab shell` logs in to VMs only")
        raise UsageError(f"{where} has no running VM", f"run `lab up {lab_id}` first")
    hosts = state["hosts"]
    name = host or next(iter(hosts))
    if name not in hosts:
        raise UsageError(f"{lab_id} ({instance}) has no VM {name!r}: it has {', '.join(hosts)}")
    return VmBackend().ssh_argv(Context(store.ref, store), name, command or None, tty=tty)


# -------------------------------------------------------------------------------- cloud-init


def iso_tool() -> str | None:
    return shutil.which("mkisofs") or shutil.which("genisoimage")


def seed_files(slug: str, vm: str, public_key: str) -> dict[str, str]:
    """NoCloud user-data and meta-data of one VM: its hostname, and the learner with the
    instance's key (passwordless sudo, no password login). JSON is YAML, and unambiguous."""
    user = {
        "name": SSH_USER,
        "gecos": "Lab learner",
        "shell": "/bin/bash",
        "groups": ["sudo", "adm"],
        "sudo": "ALL=(ALL) NOPASSWD:ALL",
        "lock_passwd": True,
        "ssh_authorized_keys": [public_key],
    }
    config = {
        "hostname": vm,
        "manage_etc_hosts": True,
        "ssh_pwauth": False,
        "disable_root": True,
        "users": [user],
    }
    meta = {"instance-id": f"{slug}-{vm}", "local-hostname": vm}
    return {
        "user-data": "#cloud-config\n" + json.dumps(config, indent=2, sort_keys=True) + "\n",
        "meta-data": json.dumps(meta, indent=2, sort_keys=True) + "\n",
    }


def write_seed(slug: str, vm: str, public_key: str) -> Path:
    """The VM's seed ISO (volume id `cidata`), named after its content: an existing one is reused,
    and a changed seed is a new file, so Terraform replaces the VM as it would for any change."""
    files = seed_files(slug, vm, public_key)
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    target = seed_dir() / f"{slug}-{vm}-seed-{digest}.iso"
    if target.is_file():
        return target
    tool = iso_tool()
    if not tool:
        raise InfraError("neither mkisofs nor genisoimage is on PATH (cloud-init seeds need one)", libvirt_fix())
    seed_dir().mkdir(parents=True, exist_ok=True)
    for path in (storage_root(), seed_dir()):
        path.chmod(0o755)  # QEMU (user libvirt-qemu) reads the seed
    iso = seed_dir() / f".{target.name}.tmp"
    try:
        with tempfile.TemporaryDirectory(prefix="lab-seed-") as tmp:
            for name, text in files.items():
                (Path(tmp) / name).write_text(text)
            argv = [tool, "-quiet", "-output", str(iso), "-volid", "cidata", "-joliet", "-rock"]
            run([*argv, *(str(Path(tmp) / name) for name in files)], timeout=60)
        iso.chmod(0o644)  # a public key and a hostname: nothing secret
        os.replace(iso, target)
    finally:
        iso.unlink(missing_ok=True)
    return target


def drop_streamed_seeds(workdir: Path) -> None:
    """Instances made before seeds were plain files hold `libvirt_cloudinit_disk` resources, whose
    refresh downloads the seed over a libvirt stream and can hang the provider for good. Deleting
    those seed volumes first makes Terraform's refresh see them gone, so it downloads nothing (the
    VM read its seed at first boot and does not need it again)."""
    try:
        state = json.loads((workdir / "terraform.tfstate").read_text())
    except (OSError, ValueError):
        return
    for resource in state.get("resources") or []:
        if resource.get("type") != "libvirt_cloudinit_disk":
            continue
        for instance in resource.get("instances") or []:
            key = str((instance.get("attributes") or {}).get("id") or "").split(";", 1)[0]
            if key:
                virsh("vol-delete", key, check=False)


def _owner(domain: str) -> str | None:
    """The instance key in a domain's description; lab writes it on every domain it makes."""
    text = virsh("desc", domain, check=False).strip()
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data.get("instance") if isinstance(data, dict) and data.get("tool") == TOOL else None


def console_tail(domain: str, lines: int = 3) -> str:
    with contextlib.suppress(OSError):
        text = (CONSOLE_LOG_DIR / f"{domain}-console.log").read_text(errors="replace")
        tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
        return " | ".join(tail)[-300:] or "(empty)"
    return "(no console log)"
