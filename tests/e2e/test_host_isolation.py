"""Loading images into another Docker data root leaves this machine's engine as it was.

A second dockerd started on the host with `--bridge none` deletes the running engine's docker0
(every container on the default network and every `docker build` RUN step then fails until the
engine restarts). images/vm-base/load-images runs its throwaway dockerd in namespaces of its own;
these tests run it for real against this machine's engine, and in a scratch network namespace
that holds a bridge named docker0 of its own (the old inline dockerd of images/vm-base/build
deleted that one as soon as it answered).

Also `lab doctor` in a scratch network namespace, where the engine's bridge is missing: it must
say so and how to repair it. The real docker0 is never touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import lab

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

LOAD_IMAGES = Path(__file__).resolve().parents[2] / "images" / "vm-base" / "load-images"
IMAGE = "lab/debian:bookworm"


@pytest.fixture(autouse=True)
def _needs_root_and_tools() -> None:
    missing = [t for t in ("dockerd", "unshare", "setpriv", "ip") if not shutil.which(t)]
    problem = f"missing on PATH: {', '.join(missing)}" if missing else None
    if os.geteuid() != 0:
        problem = "needs root (namespaces, a second dockerd)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this: {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def image_tar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from provisioner.backends.common import images

    images.ensure_base(print)
    tar = tmp_path_factory.mktemp("load-images") / "debian.tar"
    subprocess.run(["docker", "save", IMAGE, "-o", str(tar)], check=True, timeout=300)
    yield tar
    tar.unlink(missing_ok=True)


def default_bridge() -> str:
    out = subprocess.run(
        ["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return str((json.loads(out) or {}).get("com.docker.network.bridge.name") or "docker0")


def ipv4_of(interface: str) -> list[str]:
    out = subprocess.run(
        ["ip", "-j", "-4", "addr", "show", "dev", interface], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return sorted(f"{a['local']}/{a['prefixlen']}" for link in json.loads(out) for a in link.get("addr_info", []))


def daemons() -> list[str]:
    """This machine's dockerd and containerd processes; not those inside other sandboxes' containers
    (a kind node runs its own containerd), which come and go while the catalog smoke runs beside."""
    host = os.readlink("/proc/self/ns/pid")
    return sorted(
        p.name
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _comm(p) in ("dockerd", "containerd") and _pid_ns(p) == host
    )


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _pid_ns(proc: Path) -> str:
    try:
        return os.readlink(proc / "ns" / "pid")
    except OSError:
        return ""


def loaded_repositories(data_root: Path) -> dict[str, dict[str, str]]:
    return dict(json.loads((data_root / "image" / "overlay2" / "repositories.json").read_text())["Repositories"])


def load(data_root: Path, tar: Path) -> str:
    argv = [str(LOAD_IMAGES), "--data-root", str(data_root), str(tar)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, f"load-images -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_loading_images_leaves_the_engines_bridge_and_default_network_alone(tmp_path: Path, image_tar: Path) -> None:
    bridge = default_bridge()
    before = ipv4_of(bridge)
    running = daemons()
    data_root = tmp_path / "var-lib-docker"
    try:
        assert IMAGE in load(data_root, image_tar).split()

        assert Path("/sys/class/net", bridge).exists(), f"{bridge} is gone"
        assert ipv4_of(bridge) == before
        run = subprocess.run(
            ["docker", "run", "--rm", IMAGE, "true"], capture_output=True, text=True, check=False, timeout=120
        )
        assert run.returncode == 0, f"a container on the default network failed: {run.stderr}"
        assert IMAGE in loaded_repositories(data_root)["lab/debian"]
        # Nothing of the throwaway daemon is left: no process, mount or temp folder, and none of
        # what only it needed in the data root.
        assert daemons() == running
        assert not [m for m in Path("/proc/self/mountinfo").read_text().splitlines() if "lab-load" in m]
        assert str(data_root) not in Path("/proc/self/mountinfo").read_text()
        assert not list(Path("/tmp").glob("lab-load.*"))
        assert not [d for d in ("containerd", "network", "runtimes", "tmp") if (data_root / d).exists()]
    finally:
        shutil.rmtree(data_root, ignore_errors=True)


def test_a_bridge_named_docker0_survives_in_a_scratch_network_namespace(tmp_path: Path, image_tar: Path) -> None:
    """Where the old inline dockerd deleted it: the scratch namespace is the daemon's "host"."""
    scratch = "ip link add docker0 type bridge && ip addr add 198.18.0.1/24 dev docker0 && ip link set docker0 up"
    after = 'status=0; "$@" || status=$?; ip -j -4 addr show dev docker0 >&2; exit $status'
    data_root = tmp_path / "var-lib-docker"
    argv = ["unshare", "--net", "--", "bash", "-c", f"{scratch} && {after}", "scratch"]
    argv += [str(LOAD_IMAGES), "--data-root", str(data_root), str(image_tar)]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600)
        assert result.returncode == 0, result.stderr
        addresses = [
            f"{a['local']}/{a['prefixlen']}"
            for line in result.stderr.splitlines()
            if line.startswith("[")
            for link in json.loads(line)
            for a in link.get("addr_info", [])
        ]
        assert addresses == ["198.18.0.1/24"], f"the scratch docker0 changed:\n{result.stderr}"
        assert IMAGE in result.stdout.split()
    finally:
        shutil.rmtree(data_root, ignore_errors=True)


def test_doctor_notices_a_missing_default_bridge_in_a_scratch_network_namespace() -> None:
    """A private mount of sysfs shows the scratch namespace's interfaces: only lo, no docker0."""
    argv = ["unshare", "--net", "--mount", "--propagation", "private", "--", "bash", "-c"]
    argv += ['mount -t sysfs lab-scratch /sys && exec "$@"', "scratch", sys.executable, "-m", "provisioner"]
    result = subprocess.run(
        [*argv, "doctor", "--output", "json"], capture_output=True, text=True, check=False, timeout=300
    )
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert result.returncode == 3, result.stderr
    row = rows["docker bridge"]
    assert not row["ok"] and f"{default_bridge()} is gone" in row["detail"]
    assert "restart the Docker engine" in row["fix"]
    # And on this machine, where it exists:
    here = lab("doctor", "--output", "json", check=False)
    assert next(r for r in json.loads(here.stdout) if r["name"] == "docker bridge")["ok"]
