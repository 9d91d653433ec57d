"""The kind backend against the real thing: mod-006's three-node cluster from the node image built
here, pods on different nodes reaching each other, a NetworkPolicy enforced, and `down` leaving
no node container, network or kubeconfig behind."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import lab, status

pytestmark = [pytest.mark.e2e, pytest.mark.docker]

# A pod pinned to a node: the model API (it listens on 8000) or a client of it.
POD = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: net, labels: {{role: {name}}}}}
spec:
  nodeName: {node}
  containers:
    - name: c
      image: lab/model-api:1.0
      imagePullPolicy: IfNotPresent
"""
DENY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-to-server, namespace: net}
spec:
  podSelector: {matchLabels: {role: server}}
  policyTypes: [Ingress]
"""
FETCH = "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=3).status)"


def kubectl(*args: str, stdin: str | None = None, check: bool = True) -> str:
    """kubectl through `lab shell`, which hands it the instance's kubeconfig."""
    result = subprocess.run(
        [sys.executable, "-m", "provisioner", "shell", "mod-006", "--", "kubectl", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} -> {result.returncode}: {result.stderr}")
    return result.stdout


def reach(ip: str) -> bool:
    argv = ["-n", "net", "exec", "client", "--", "python3", "-c", FETCH, f"http://{ip}:8000/health"]
    return kubectl(*argv, check=False).strip() == "200"


def reachable_within(ip: str, seconds: float) -> bool:
    """Routes between nodes come from kube-router's BGP sessions. Two workers that start together
    may both miss their first connection and retry only after gobgp's 120 s ConnectRetry."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reach(ip):
            return True
        time.sleep(1)
    return False


def blocked_within(ip: str, seconds: float) -> bool:
    """The policy agent applies a new policy within seconds: poll until the server is unreachable."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not reach(ip):
            return True
        time.sleep(1)
    return False


def test_a_multi_node_cluster_routes_between_nodes_enforces_policy_and_leaves_nothing(lab_home: Path) -> None:
    lab("up", "mod-006")
    [row] = [r for r in status() if r["lab"] == "mod-006"]
    config = lab_home / "instances" / "mod-006" / "default" / "kubeconfig"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    name = json.loads((lab_home / "instances" / "mod-006" / "default" / "state.json").read_text())["name"]

    workers = kubectl("get", "nodes", "-o", "name").split()
    workers = [w.removeprefix("node/") for w in workers if "worker" in w]
    assert len(workers) == 2
    kubectl("create", "namespace", "net")
    for pod, node in (("server", workers[0]), ("client", workers[1])):
        kubectl("apply", "-f", "-", stdin=POD.format(name=pod, node=node))
    kubectl("-n", "net", "wait", "--for=condition=Ready", "pod", "--all", "--timeout=180s")
    ip = kubectl("-n", "net", "get", "pod", "server", "-o", "jsonpath={.status.podIP}")
    assert reachable_within(ip, 180), "a pod on one node must reach a pod on another"
    kubectl("apply", "-f", "-", stdin=DENY)
    assert blocked_within(ip, 30), "the NetworkPolicy must block the client"

    lab("down", "mod-006")
    containers = subprocess.run(
        ["docker", "ps", "-a", "-q", "--filter", f"name=^{name}-"], capture_output=True, text=True, check=True
    ).stdout.split()
    networks = subprocess.run(
        ["docker", "network", "ls", "-q", "--filter", f"name=^{name}$"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert containers == [] and networks == [] and not config.exists()
    assert row["endpoints"]["app"].startswith("http://127.0.0.1:")
