"""The kind backend without a cluster: its cluster config, the commands it runs, its environment."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from provisioner.backends.kind import cluster, doctor
from provisioner.backends.kind.backend import KindBackend
from provisioner.backends.kind.config import cluster_config
from provisioner.core import paths
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog
from provisioner.lifecycle.steps import Context
from tests.unit.backends.fake_run import FakeRun


@pytest.fixture(autouse=True)
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """kind and kubectl only in the built-tools folder, as on a machine that built the node image."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    folder = tmp_path / "cache" / "kind-node" / "bin"
    folder.mkdir(parents=True)
    for name in ("kind", "kubectl"):
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    return folder


def ctx() -> Context:
    return Context(InstanceRef("mod-006"), Store(InstanceRef("mod-006")), lab=catalog.load("mod-006"))


def test_the_cluster_config_publishes_node_ports_on_loopback_from_the_control_plane() -> None:
    config = cluster_config(catalog.load("mod-006"), "lab-x-mod-006-default", {"app": 41000, "ingress": 41001})
    assert [n["role"] for n in config["nodes"]] == ["control-plane", "worker", "worker"]
    assert config["nodes"][0]["extraPortMappings"] == [
        {"containerPort": 30080, "hostPort": 41000, "listenAddress": "127.0.0.1", "protocol": "TCP"},
        {"containerPort": 30081, "hostPort": 41001, "listenAddress": "127.0.0.1", "protocol": "TCP"},
    ]
    assert config["networking"]["apiServerAddress"] == "127.0.0.1"


def test_checks_and_shells_reach_the_cluster_through_the_instances_kubeconfig(tools: Path) -> None:
    c = ctx()
    env = KindBackend(FakeRun()).machine_env(c)
    assert env["KUBECONFIG"] == env["K8S_AUTH_KUBECONFIG"] == str(c.store.path("kubeconfig"))
    assert env["PATH"].split(os.pathsep)[0] == str(tools)
    argv = KindBackend(FakeRun()).shell_argv(c, None, ["kubectl", "get", "nodes"], tty=False)
    assert argv[0] == "env" and argv[-3:] == ["kubectl", "get", "nodes"]


def test_the_sweep_deletes_the_cluster_and_its_labelled_network_only(tools: Path) -> None:
    name, key = "lab-x-mod-006-default", "mod-006/default"
    ls = ("docker", "network", "ls", "-q", "--filter", f"label={cluster.LABEL_INSTANCE}={key}")
    run = FakeRun({ls: "n1\n"})
    cluster.remove(run, name, key, Path("/state/kubeconfig"))
    kind = str(tools / "kind")
    assert run.calls[0] == [kind, "delete", "cluster", "--name", name, "--kubeconfig", "/state/kubeconfig"]
    assert run.calls[-1] == ["docker", "network", "rm", "n1"]


def test_down_deletes_a_cluster_terraform_never_recorded_before_its_network(
    tools: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_TERRAFORM", "/bin/true")
    c = ctx()
    state = {"resources": [{"mode": "managed", "type": "terraform_data", "name": "network", "instances": [{}]}]}
    c.store.path("terraform").mkdir(parents=True)
    (c.store.path("terraform") / "terraform.tfstate").write_text(json.dumps(state))
    run = FakeRun()
    KindBackend(run).destroy(c)
    assert run.calls[0][:5] == [str(tools / "kind"), "delete", "cluster", "--name", c.name]
    assert "destroy" in run.calls[-1]  # then Terraform's: the network has no node left on it


def test_gc_lists_clusters_whose_instance_is_gone() -> None:
    run = FakeRun({("docker", "network", "ls"): "lab-x-mod-006-a mod-006/a\nlab-x-mod-006-b mod-006/b\n"})
    found = cluster.orphans(run, {"mod-006/a"}, "home1")
    assert found == [{"backend": "kind", "kind": "cluster", "id": "lab-x-mod-006-b", "instance": "mod-006/b"}]
    assert f"label={cluster.LABEL_HOME}=home1" in run.calls[0]


def test_a_refused_privileged_container_is_reported_with_its_fix() -> None:
    probe = ("docker", "run", "--rm", "--privileged")
    run = FakeRun({probe: (125, "")})
    run.answers[("docker", "image", "inspect")] = "sha256:1"
    found = doctor.privileged(run)
    assert found["ok"] is False and "kind cannot start nodes" in found["detail"] and found["fix"]


def test_the_runc_wrapper_leaves_out_only_capabilities_the_machine_lacks(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    caps = ["CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_NET_ADMIN"]
    spec = {"process": {"capabilities": {"bounding": caps, "effective": caps}}}
    (bundle / "config.json").write_text(json.dumps(spec))
    shim = paths.SCRIPTS_DIR / "runc-capfit"
    assert shim.stat().st_mode & stat.S_IXUSR
    env = os.environ | {"LAB_REAL_RUNC": "/bin/true"}
    subprocess.run(["bash", str(shim), "create", "--bundle", str(bundle), "id1"], check=True, env=env)
    kept = json.loads((bundle / "config.json").read_text())["process"]["capabilities"]["bounding"]
    status = Path("/proc/self/status").read_text().splitlines()
    bound = int(next(x.split()[1] for x in status if x.startswith("CapBnd")), 16)
    assert {"CAP_CHOWN", "CAP_NET_ADMIN"} <= set(kept)
    assert ("CAP_SYS_RESOURCE" in kept) == bool(bound >> 24 & 1)


def test_the_fix_keeps_the_engines_other_settings_and_makes_the_wrapper_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    daemon = tmp_path / "daemon.json"
    daemon.write_text(json.dumps({"log-driver": "journald", "runtimes": {"other": {"path": "/x"}}}))
    monkeypatch.setattr(doctor, "DAEMON_JSON", daemon)
    monkeypatch.setattr(doctor, "SHIM", tmp_path / "libexec" / "runc-capfit")
    doctor.install_capfit(FakeRun({("pgrep",): ""}))
    config = json.loads(daemon.read_text())
    assert config["log-driver"] == "journald" and config["runtimes"]["other"] == {"path": "/x"}
    assert config["runtimes"]["lab-capfit"] == {"path": str(tmp_path / "libexec" / "runc-capfit")}
    assert config["default-runtime"] == "lab-capfit" and os.access(tmp_path / "libexec" / "runc-capfit", os.X_OK)


def test_doctor_names_each_cluster_tool_and_how_to_get_a_missing_one(tools: Path) -> None:
    found = {f["name"]: f for f in (doctor._tool(name) for name in doctor.TOOLS)}
    assert found["kubectl"]["ok"] and found["kubectl"]["detail"] == str(tools / "kubectl")
    assert not found["helm"]["ok"] and found["helm"]["optional"]
    assert "lab images build mod-006" in found["helm"]["fix"]
