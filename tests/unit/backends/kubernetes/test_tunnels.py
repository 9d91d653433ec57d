"""Checks of an instance on a cluster reach its endpoints through port-forwards lab holds open
while they run: a fake `kubectl` on PATH listens on a free port and prints kubectl's line, so a
tcp check really connects through it; no process is left once the checks are done."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from provisioner import backends
from provisioner.backends.kubernetes import place
from provisioner.backends.kubernetes.backend import KubernetesBackend
from provisioner.core.errors import InfraError
from provisioner.core.instance_state import ClusterPlace
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions.model import Check, Lab
from provisioner.lifecycle import verify
from provisioner.lifecycle.steps import Context
from tests.unit.backends.kubernetes.mod008 import IMAGES
from tests.unit.core.test_background import alive

NS = "lab-mod-008-ada"
# Listens, says so as kubectl does, notes its argv and pid, then accepts until stopped; with
# FAIL_PORT set, the forward of that port fails as kubectl does for a pod that is not running.
KUBECTL = """#!{python}
import os, socket, sys, time
log = os.environ["FAKE_KUBECTL_LOG"]
open(log, "a").write(f"{{os.getpid()}} {{' '.join(sys.argv[1:])}}\\n")
remote = sys.argv[-1].lstrip(":")
if remote == os.environ.get("FAIL_PORT"):
    sys.stderr.write("error: unable to forward port because pod is not running. Current status=Pending\\n")
    sys.exit(1)
server = socket.create_server(("127.0.0.1", 0))
print(f"Forwarding from 127.0.0.1:{{server.getsockname()[1]}} -> {{remote}}", flush=True)
while True:
    server.accept()[0].close()
"""


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake kubectl first on PATH, and the file where it notes each start."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    kubectl = bin_dir / "kubectl"
    kubectl.write_text(KUBECTL.format(python=sys.executable))
    kubectl.chmod(kubectl.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin")
    monkeypatch.setattr(place, "kubectl", lambda: "kubectl")
    monkeypatch.setenv("FAKE_KUBECTL_LOG", str(tmp_path / "kubectl.log"))
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LAB_CACHE", str(tmp_path / "cache"))  # no built kubectl ahead of the fake
    return tmp_path / "kubectl.log"


def ready(lab: Lab, tmp_path: Path) -> Context:
    """A made instance, as `up` records it: its place, images and the hand-out's endpoints."""
    store = Store(InstanceRef("mod-008", "ada"))
    where = ClusterPlace(kubeconfig=str(tmp_path / "admin.yaml"), namespace=NS)
    store.update(backend="kubernetes", status="ready", images=IMAGES, cluster=where.model_dump())
    store.update(endpoints={"postgres": "127.0.0.1:5432", "redis": "127.0.0.1:6379"})
    return Context(store.ref, store, lab, KubernetesBackend())


def started(log: Path) -> list[tuple[int, str]]:
    return [(int(pid), argv) for pid, _, argv in (line.partition(" ") for line in log.read_text().splitlines())]


def test_the_checks_see_each_endpoint_through_a_port_forward_of_their_own(lab: Lab, tmp_path: Path, log: Path) -> None:
    ctx = ready(lab, tmp_path)
    with ctx.require_backend().endpoint_tunnels(ctx) as endpoints:
        assert set(endpoints) == {"postgres", "redis"}
        handout = ("127.0.0.1:5432", "127.0.0.1:6379")
        assert all(e.startswith("127.0.0.1:") and e not in handout for e in endpoints.values())
        assert all(alive(pid) for pid, _ in started(log))
    head = f"--kubeconfig {tmp_path / 'admin.yaml'} --namespace {NS} port-forward --address 127.0.0.1"
    assert [argv for _, argv in started(log)] == [f"{head} service/postgres :5432", f"{head} service/redis :6379"]
    assert not any(alive(pid) for pid, _ in started(log))


def test_a_tcp_check_passes_through_the_tunnel_and_leaves_no_process(lab: Lab, tmp_path: Path, log: Path) -> None:
    ctx = ready(lab, tmp_path)
    check = Check(name="postgres accepts connections", tcp={"endpoint": "postgres"})  # type: ignore[arg-type]
    [result] = verify.run_available(ctx, [check])
    assert result.passed, result.message
    assert "127.0.0.1:5432" not in result.expected  # the tunnel's port, not the hand-out's
    assert len(started(log)) == 2 and not any(alive(pid) for pid, _ in started(log))


def test_checks_that_reach_no_endpoint_start_no_port_forward(lab: Lab, tmp_path: Path, log: Path) -> None:
    ctx = ready(lab, tmp_path)
    check = Check(name="true", command={"argv": ["true"]})  # type: ignore[arg-type]
    assert verify.run_available(ctx, [check])[0].passed
    assert not log.exists()


def test_a_forward_that_fails_names_the_pod_and_stops_the_others(
    lab: Lab, tmp_path: Path, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_PORT", "6379")
    ctx = ready(lab, tmp_path)
    refused = pytest.raises(InfraError, match=r"checks cannot reach redis: .*pod is not running")
    with refused as caught, ctx.require_backend().endpoint_tunnels(ctx):
        pytest.fail("no tunnels")
    assert f"-n {NS} get pods" in caught.value.fix
    assert not any(alive(pid) for pid, _ in started(log))


def test_other_backends_have_no_tunnels(lab: Lab, tmp_path: Path, log: Path) -> None:
    ctx = ready(lab, tmp_path)
    with backends.get("docker").endpoint_tunnels(ctx) as endpoints:
        assert endpoints == {}
