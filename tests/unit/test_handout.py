"""A cohort's access sheet: on a cluster it carries the student's port-forward lines, since the
endpoints it lists answer only once those run; on Docker it has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.cohort.grading import handout
from provisioner.core.state import InstanceRef, Store
from provisioner.definitions import catalog

LINE = "kubectl --kubeconfig /s/ann.yaml -n lab-mod-008-ann port-forward service/postgres 5432:5432"
ENDPOINTS = {"postgres": "127.0.0.1:5432", "redis": "127.0.0.1:6379"}
HOSTS = {c: {"container": c} for c in ("postgres", "redis", "workstation")}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAB_PATH", raising=False)
    return tmp_path / "home"


def sheet(suffix: str, state: str = "ready") -> str:
    row = {"student": "ann", "instance": "ann", "state": state, "endpoints": ENDPOINTS}
    return handout(catalog.load("mod-008"), row, suffix)


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_a_sandbox_on_a_cluster_hands_out_its_port_forward_lines(home: Path, suffix: str) -> None:
    Store(InstanceRef("mod-008", "ann")).update(status="ready", hosts=HOSTS, port_forward=[LINE])
    assert LINE in sheet(suffix)
    assert LINE not in sheet(suffix, state="failed")  # a sheet of a sandbox not ready promises nothing


def test_a_docker_sandbox_has_no_port_forward_section(home: Path) -> None:
    Store(InstanceRef("mod-008", "ann")).update(status="ready", hosts=HOSTS)
    assert "port-forward" not in sheet(".md") and "one terminal each" not in sheet(".md")
