"""Each backend has its own component model: a key that means nothing there is rejected by path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from provisioner.definitions.catalog import check_file
from provisioner.definitions.sandbox import components

REPO = Path(__file__).resolve().parents[3]


def problems_of(tmp_path: Path, lab_id: str, edit: Any, root: Path = REPO / "labs") -> list[str]:
    data = yaml.safe_load((root / lab_id / "lab.yaml").read_text())
    edit(data)
    file = tmp_path / lab_id / "lab.yaml"
    file.parent.mkdir(parents=True)
    file.write_text(yaml.safe_dump(data))
    return [p.split("lab.yaml: ", 1)[1] for p in check_file(file)[1]]


def test_a_vm_component_with_docker_keys_reports_each_at_once(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["sandbox"]["components"][0] |= {"image": "vm-base", "env": {"A": "b"}, "volumes": ["/x"]}

    assert problems_of(tmp_path, "mod-002", edit) == [
        "sandbox.components[0].env: not a key of vm components (see docs/writing-labs.md)",
        "sandbox.components[0].volumes: not a key of vm components (see docs/writing-labs.md)",
        "sandbox.components[0].image: not a key of vm components (see docs/writing-labs.md)",
    ]


def test_nodes_only_on_kind_and_unknown_keys_still_unknown(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["sandbox"]["components"][1] |= {"nodes": 3, "colour": "blue"}

    assert problems_of(tmp_path, "mod-008", edit) == [
        "sandbox.components[1].nodes: not a key of docker components (see docs/writing-labs.md)",
        "sandbox.components[1].colour: unknown key",
    ]


def test_local_components_have_no_ports_and_a_bad_backend_is_named(tmp_path: Path) -> None:
    def ports(data: dict[str, Any]) -> None:
        data["sandbox"]["components"][0]["ports"] = [{"name": "web", "port": 80}]

    root = REPO / "tests" / "labs"
    assert problems_of(tmp_path / "a", "testlab", ports, root) == [
        "sandbox.components[0].ports: not a key of local components (see docs/writing-labs.md)"
    ]

    def backend(data: dict[str, Any]) -> None:
        data["sandbox"]["backend"] = "podman"

    assert problems_of(tmp_path / "b", "testlab", backend, root) == [
        "sandbox.backend: must be one of local, docker, vm, kind (got 'podman')"
    ]


def test_keys_a_backend_lacks_read_as_empty(tmp_path: Path) -> None:
    lab, problems = check_file(REPO / "labs" / "mod-002" / "lab.yaml")
    assert problems == [] and lab is not None
    (vm,) = components(lab.sandbox)
    assert (vm.image, vm.env, vm.volumes, vm.command) == (None, {}, [], None)
    assert '"vm-base"' not in (REPO / "schema" / "lab.schema.json").read_text()
