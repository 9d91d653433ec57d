"""The `deliver` step: a kind cluster's nodes get the images loaded (only those lacking one),
any other cluster pulls them from the registry they are pushed to, and neither is an error
that names both fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from provisioner.backends.kind import tools
from provisioner.backends.kubernetes.images import deliver, qualified
from provisioner.core.errors import InfraError
from provisioner.core.instance_state import ClusterPlace
from tests.unit.backends.fake_run import FakeRun
from tests.unit.backends.kubernetes.fake_api import FakeServer
from tests.unit.backends.kubernetes.mod008 import IMAGES

TAGS = sorted(set(IMAGES.values()))


def node(name: str, provider: str | None = None, images: list[str] | None = None, **spec: Any) -> dict[str, Any]:
    status = {"images": [{"names": [f"docker.io/{i}", "sha256:0"]} for i in images or []]}
    spec = spec | ({"providerID": provider} if provider else {})
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "spec": spec, "status": status}


def admin(tmp_path: Path, context: str) -> ClusterPlace:
    config = {
        "current-context": context,
        "contexts": [{"name": context, "context": {"cluster": context, "user": "admin"}}],
        "clusters": [{"name": context, "cluster": {"server": "https://10.0.0.1:6443"}}],
    }
    (tmp_path / "admin.yaml").write_text(yaml.safe_dump(config))
    return ClusterPlace(kubeconfig=str(tmp_path / "admin.yaml"), namespace="lab-mod-008-ada")


@pytest.fixture(autouse=True)
def _kind_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools, "binary", lambda name: name)
    monkeypatch.delenv("LAB_IMAGE_REGISTRY", raising=False)
    monkeypatch.delenv("LAB_CLUSTER_REGISTRY", raising=False)


def test_a_kind_cluster_by_its_nodes_gets_the_images_loaded_into_the_nodes_that_lack_them(
    tmp_path: Path, client: Any, server: FakeServer
) -> None:
    server.put(node("school-worker", "kind://docker/school/school-worker", images=TAGS))
    server.put(node("school-worker2", "kind://docker/school/school-worker2", images=TAGS[:1]))
    server.put(node("school-control-plane", "kind://docker/school/x", taints=[{"key": "k", "effect": "NoSchedule"}]))
    run = FakeRun()
    refs = deliver(admin(tmp_path, "admin@school"), client, IMAGES, run, 60, lambda _: None)
    assert refs == IMAGES  # the workloads name the loaded tags themselves
    assert run.calls == [["kind", "load", "docker-image", *TAGS, "--name", "school", "--nodes", "school-worker2"]]


def test_a_kind_cluster_by_its_context_name_whose_nodes_have_everything_loads_nothing(
    tmp_path: Path, client: Any, server: FakeServer
) -> None:
    server.put(node("n1", images=TAGS))
    said: list[str] = []
    run = FakeRun()
    assert deliver(admin(tmp_path, "kind-lab"), client, IMAGES, run, 60, said.append) == IMAGES
    assert run.calls == [] and said == ["the kind cluster lab's nodes hold the lab's images already"]


def test_another_cluster_pulls_from_the_registry_the_images_are_pushed_to(
    tmp_path: Path, client: Any, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAB_IMAGE_REGISTRY", "localhost:5000/")
    monkeypatch.setenv("LAB_CLUSTER_REGISTRY", "registry.school.edu:5000")
    server.put(node("n1", "gce://project/zone/n1"))
    run = FakeRun()
    refs = deliver(admin(tmp_path, "prod"), client, IMAGES, run, 60, lambda _: None)
    assert refs == {c: f"registry.school.edu:5000/{tag}" for c, tag in IMAGES.items()}
    pushes = [c for c in run.calls if c[:2] == ["docker", "push"]]
    assert pushes == [["docker", "push", "-q", f"localhost:5000/{tag}"] for tag in TAGS]


def test_another_cluster_without_a_registry_is_refused_with_both_fixes(
    tmp_path: Path, client: Any, server: FakeServer
) -> None:
    server.put(node("n1"))
    with pytest.raises(InfraError, match="not a kind cluster") as caught:
        deliver(admin(tmp_path, "prod"), client, IMAGES, FakeRun(), 60, lambda _: None)
    assert "LAB_IMAGE_REGISTRY=HOST:PORT" in caught.value.fix and "kind cluster" in caught.value.fix


def test_references_are_compared_as_containerd_names_them() -> None:
    assert qualified("lab/redis:ab12") == "docker.io/lab/redis:ab12"
    assert qualified("redis:7") == "docker.io/library/redis:7"
    assert qualified("localhost:5000/lab/redis:ab12") == "localhost:5000/lab/redis:ab12"
