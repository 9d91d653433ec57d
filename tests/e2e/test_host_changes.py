"""`lab` leaves the machine as it found it (docs/host-changes.md).

A snapshot of the host (network interfaces and their addresses, IPv4 and IPv6 routes, firewall
rules, mounts, daemons, a few sysctls, /dev/kvm) is taken before and compared after:
  - `lab images build` of every lab that has images (Docker images, both VM image variants);
  - `lab up` then `lab down` of one lab per backend (local, docker, vm).
Any difference fails the test, except what Docker and libvirt own and keep in their own
inventories (the networks, containers and VMs of sandboxes: checked by their labels and names
instead), and transient things (a container's veth, a VM's QEMU, an SSH ControlPersist master),
which must be gone within SETTLE_SECONDS.

Marked `early`: it runs first, so on a fresh machine it is the test that builds the images, and it
sees the host before any other test has touched it."""

from __future__ import annotations

import collections
import contextlib
import ipaddress
import json
import os
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import lab, libvirt_problem, require_libvirt, resource, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.early]

# An SSH ControlPersist master lives 60 s after its last use; QEMU and veths go within seconds.
SETTLE_SECONDS = 90
INSTANCE = "hostcheck"  # not `default`: other tests may run the same labs' default instances
# The VM one is tests/labs/vmlab: the vm backend's whole path (image, libvirt, port forward, SSH,
# Ansible) without minutes of a catalog lab's configuration in a software-emulated guest.
LABS = {"local": "testlab", "docker": "mod-008", "vm": "vmlab"}
OWN_CHAINS = re.compile(r"^(DOCKER|LIBVIRT_)")  # Docker's chains, and libvirt's (made at libvirtd's start)
WATCHED_DAEMONS = {"dockerd", "containerd", "libvirtd", "virtlogd", "virtlockd", "dnsmasq", "virtqemud", "virtnetworkd"}
SYSCTLS = [
    "net/ipv4/ip_forward",
    "net/ipv6/conf/all/forwarding",
    "net/ipv4/ip_unprivileged_port_start",
    "net/bridge/bridge-nf-call-iptables",
    "net/bridge/bridge-nf-call-ip6tables",
    "kernel/keys/root_maxkeys",
    "kernel/keys/root_maxbytes",
    "vm/max_map_count",
    "fs/inotify/max_user_instances",
    "fs/inotify/max_user_watches",
]

Snapshot = dict[str, collections.Counter[str]]


@dataclass
class Docker:
    """What the engine owns right now: its networks' bridges and subnets, its data root."""

    bridges: set[str] = field(default_factory=set)  # bridges of networks other than the default one
    default_bridge: str = "docker0"
    subnets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    default_subnets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    root: str = "/var/lib/docker"

    def owns_interface(self, link: dict[str, object]) -> bool:
        return link.get("ifname") in self.bridges or link.get("master") in {*self.bridges, self.default_bridge}

    def owns_token(self, token: str) -> bool:
        """A firewall rule's word that names one of its networks' bridges or addresses (a published
        port of a container on the default network names the container's address)."""
        token = token.strip('"!,;{}')
        if token in self.bridges:
            return True
        try:
            net = ipaddress.ip_network(token, strict=False)
        except ValueError:
            return False
        if any(net.version == s.version and net.overlaps(s) for s in self.subnets):
            return True
        host = net.prefixlen == net.max_prefixlen
        return host and any(net.version == s.version and net.subnet_of(s) for s in self.default_subnets)


def sh(*argv: str, check: bool = True) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} -> {result.returncode}: {result.stderr}")
    return result.stdout


def docker_inventory() -> Docker:
    docker = Docker(root=sh("docker", "info", "--format", "{{.DockerRootDir}}").strip() or "/var/lib/docker")
    ids = sh("docker", "network", "ls", "-q", "--no-trunc", "--filter", "driver=bridge").split()
    networks = []
    for net_id in ids:  # one at a time: another sandbox may remove its network meanwhile
        out = sh("docker", "network", "inspect", net_id, check=False)
        networks += json.loads(out) if out.strip() else []
    for net in networks:
        name = (net.get("Options") or {}).get("com.docker.network.bridge.name") or f"br-{net['Id'][:12]}"
        config = (net.get("IPAM") or {}).get("Config") or []
        subnets = [ipaddress.ip_network(c["Subnet"]) for c in config if "Subnet" in c]
        if net["Name"] == "bridge":
            docker.default_bridge, docker.default_subnets = name, subnets
        else:
            docker.bridges.add(name)
            docker.subnets += subnets
    return docker


def interfaces(docker: Docker) -> tuple[list[str], set[str]]:
    """Interfaces with their addresses (not their up/down state); and the names Docker owns."""
    found, owned = [], set()
    for link in json.loads(sh("ip", "-j", "addr")):
        if docker.owns_interface(link):
            owned.add(link["ifname"])
            continue
        # Not the IPv6 link-local address: the kernel gives one to any interface while it is up
        # (docker0 once a first container uses it), so it follows the up/down state.
        addresses = sorted(f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []) if not _link_local(a))
        master = f" master {link['master']}" if link.get("master") else ""
        found.append(f"{link['ifname']} {link.get('link_type', '?')}{master} {' '.join(addresses)}".strip())
    return found, owned


def _link_local(address: dict[str, str]) -> bool:
    return address.get("family") == "inet6" and address.get("scope") == "link"


def _kernel_link_local(route: dict[str, str]) -> bool:
    return route.get("dst") == "fe80::/64" and route.get("protocol") == "kernel"


def routes(docker_owned: set[str]) -> list[str]:
    found = []
    for family in ("-4", "-6"):
        for route in json.loads(sh("ip", family, "-j", "route")):
            if route.get("dev") in docker_owned or _kernel_link_local(route):
                continue  # Docker's, or the kernel's route for an up interface's link-local address
            keys = ("dst", "gateway", "dev", "protocol", "scope", "prefsrc", "metric", "type")
            found.append(f"{family} " + " ".join(f"{k}={route[k]}" for k in keys if k in route))
    return found


def firewall(docker: Docker) -> list[str]:
    """Rules outside Docker's and libvirt's own chains, without counters; rules that name one of
    Docker's networks (its bridge, subnet or a container's address) are Docker's too."""
    found = []
    for tool in ("iptables-save", "ip6tables-save"):
        if not shutil.which(tool):
            continue
        table = ""
        for line in sh(tool).splitlines():
            words = line.split()
            if not words or line.startswith("#") or line == "COMMIT":
                continue
            if line.startswith("*"):
                table = line[1:]
            elif line.startswith(":") and not OWN_CHAINS.match(line[1:]):
                found.append(f"{tool} {table} chain {words[0][1:]} policy {words[1]}")
            elif words[0] == "-A" and not _owned_rule(words[1], words, docker):
                found.append(f"{tool} {table} {line}")
    if shutil.which("nft"):
        where: list[str] = []
        for line in sh("nft", "list", "ruleset").splitlines():
            words = re.sub(r"counter packets \d+ bytes \d+", "counter", line).split()
            if not words:
                continue
            if words[-1] == "{":
                where.append(" ".join(words[:-1]))
            elif words == ["}"]:
                where = where[:-1]
            else:
                chain = where[-1].removeprefix("chain ") if where and where[-1].startswith("chain ") else ""
                if not _owned_rule(chain, words, docker):
                    found.append(f"nft {' / '.join(where)}: {' '.join(words)}")
    return found


def _owned_rule(chain: str, words: list[str], docker: Docker) -> bool:
    jumps_to_libvirt = any(w.startswith("LIBVIRT_") for w in words[2:])
    return bool(OWN_CHAINS.match(chain)) or jumps_to_libvirt or any(docker.owns_token(w) for w in words)


def mounts(docker: Docker) -> list[str]:
    """Mount points with their type and source, without Docker's (its data root, its containers'
    network namespaces)."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        head, _, tail = line.partition(" - ")
        point = head.split()[4].replace("\\040", " ")
        fstype, source = [*tail.split(), "", ""][:2]
        if point.startswith((docker.root + "/", "/run/docker/", "/var/run/docker/")):
            continue
        found.append(f"{point} {fstype} {source}")
    return found


def daemons(ours: Iterable[str]) -> list[str]:
    """The system daemons lab talks to, and what they start on its behalf (a VM's QEMU, named by
    its guest: the VMs of other sandboxes, whose guest names do not start with one of `ours`, are
    theirs). Only these names: other work on a shared machine starts and ends other processes."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            comm = (proc / "comm").read_text().strip()
            guest = ""
            if comm.startswith("qemu-system"):
                args = (proc / "cmdline").read_bytes().split(b"\0")
                guest = next((a.decode().split(",")[0][6:] for a in args if a.startswith(b"guest=")), "")
        except OSError:
            continue
        if comm in WATCHED_DAEMONS or (comm.startswith("qemu-system") and any(guest.startswith(o) for o in ours)):
            found.append(f"{comm} {guest}".strip())
    return found


@contextlib.contextmanager
def tracked() -> Iterator[Path | None]:
    """Runs the block in a cgroup of its own (a child of this process's cgroup): every process the
    block starts stays in it, daemonised or not, so one still there after lab returned was left
    behind. None where cgroups cannot be written (the check is then left out)."""
    mountinfo = Path("/proc/self/mountinfo").read_text().splitlines()
    hierarchy = next((Path(line.split()[4]) for line in mountinfo if " - cgroup2 " in line), None)
    cgroups = Path("/proc/self/cgroup").read_text().splitlines()
    current = next((line[3:] for line in cgroups if line.startswith("0::")), "")
    if hierarchy is None or not current:
        yield None
        return
    home = hierarchy / current.lstrip("/")
    mine = home / f"lab-host-check-{os.getpid()}"
    try:
        mine.mkdir()
        (mine / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        with contextlib.suppress(OSError):
            mine.rmdir()
        yield None
        return
    try:
        yield mine
    finally:
        (home / "cgroup.procs").write_text(str(os.getpid()))
        with contextlib.suppress(OSError):
            mine.rmdir()  # fails only while a leftover process still runs in it


def left_running(cgroup: Path | None) -> list[str]:
    if cgroup is None:
        return []
    found = []
    for pid in (cgroup / "cgroup.procs").read_text().split():
        if int(pid) != os.getpid():
            with contextlib.suppress(OSError):
                found.append(Path("/proc", pid, "comm").read_text().strip())
    return found


def snapshot(vms: Iterable[str] = (), cgroup: Path | None = None) -> Snapshot:
    docker = docker_inventory()
    links, owned = interfaces(docker)
    sysctls = [f"{name}={_read(Path('/proc/sys') / name)}" for name in SYSCTLS if (Path("/proc/sys") / name).exists()]
    kvm = Path("/dev/kvm")
    devices = []
    if kvm.exists():
        info = kvm.stat()
        devices.append(f"/dev/kvm owner {info.st_uid}:{info.st_gid} mode {stat.S_IMODE(info.st_mode):o}")
    return {
        "interface": collections.Counter(links),
        "route": collections.Counter(routes(owned)),
        "firewall": collections.Counter(firewall(docker)),
        "mount": collections.Counter(mounts(docker)),
        "daemon": collections.Counter(daemons(vms)),
        "left running": collections.Counter(left_running(cgroup)),
        "sysctl": collections.Counter(sysctls),
        "device": collections.Counter(devices),
    }


def _read(path: Path) -> str:
    try:
        return " ".join(path.read_text().split())
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    lines = []
    for kind in before:
        lines += [f"  + {kind}: {item}" for item in sorted((after[kind] - before[kind]).elements())]
        lines += [f"  - {kind}: {item}" for item in sorted((before[kind] - after[kind]).elements())]
    return lines


def settle(before: Snapshot, what: str, vms: Iterable[str] = (), cgroup: Path | None = None) -> None:
    """Until the host is as before; fail with what differs after SETTLE_SECONDS."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while diff := differences(before, snapshot(vms, cgroup)):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"after {what}, the host still differs from before ({SETTLE_SECONDS} s later); "
                "docs/host-changes.md says what lab may change:\n" + "\n".join(diff)
            )
        time.sleep(2)


def labelled_leftovers() -> list[str]:
    from provisioner.backends.docker.backend import home_label

    found = []
    for kind in (["ps", "-a"], ["network", "ls"], ["volume", "ls"]):
        found += sh("docker", *kind, "-q", "--filter", f"label={home_label()}").split()
    return found


def virsh_names(*args: str) -> list[str]:
    return sh("virsh", "-q", "-c", "qemu:///system", *args, "--name", check=False).split()


@pytest.fixture
def home(lab_home: Path) -> Iterator[Path]:
    """A private state root; nothing labelled with it may be left in Docker at the end."""
    yield lab_home
    assert labelled_leftovers() == []


def test_building_every_image_changes_nothing_on_the_host(home: Path) -> None:
    catalog = json.loads(lab("list", "--output", "json").stdout)
    labs = [r["id"] for r in catalog if r["backend"] == "docker"]
    vm_labs = [r["id"] for r in catalog if r["backend"] == "vm"]
    assert vm_labs, "the catalog has no VM lab: no VM image would be built"
    if problem := libvirt_problem():  # a laptop without libvirt still checks the Docker images
        if os.environ.get("CI"):
            pytest.fail(f"CI must build VM images: {problem}")
        vm_labs = []
    before = snapshot()
    with tracked() as cgroup:
        built = lab("images", "build", *labs, *vm_labs).stdout
        if vm_labs:
            # mod-002 boots its own image (the base variant with its image playbook baked in).
            assert "vm-lab:mod-002" in built and "vm-base:docker" in built, built
        settle(before, f"`lab images build {' '.join(labs + vm_labs)}`", cgroup=cgroup)


@pytest.mark.parametrize("backend", list(LABS))
def test_up_and_down_change_nothing_on_the_host(home: Path, backend: str) -> None:
    lab_id = LABS[backend]
    slug = resource(lab_id, INSTANCE)
    if backend == "vm":
        require_libvirt()
    before = snapshot([slug])
    with tracked() as cgroup:
        try:
            lab("up", lab_id, "-i", INSTANCE)
            row = next(r for r in status() if r["lab"] == lab_id and r["instance"] == INSTANCE)
            assert row["state"] == "ready" and row["backend"] == backend
            during = snapshot([slug], cgroup)
            if backend == "vm":  # the snapshot sees this sandbox's VM: the comparison is not blind
                assert any(d.startswith("qemu") and slug in d for d in during["daemon"]), during["daemon"]
            if backend == "docker":  # its network's bridge exists on the host and is Docker's
                net_id = sh("docker", "network", "inspect", "--format", "{{.Id}}", slug).strip()
                bridge = f"br-{net_id[:12]}"
                assert bridge in docker_inventory().bridges and Path("/sys/class/net", bridge).exists()
        finally:
            lab("down", lab_id, "-i", INSTANCE)
        settle(before, f"`lab up {lab_id}` and `lab down {lab_id}`", [slug], cgroup)
    if backend == "vm":
        assert [d for d in virsh_names("list", "--all") if d.startswith(slug + "-")] == []
        assert slug not in virsh_names("pool-list", "--all")
