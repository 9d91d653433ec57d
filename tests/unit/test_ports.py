from __future__ import annotations

import json
from pathlib import Path

import pytest

from provisioner.core import ports


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    file = tmp_path / "ports.json"
    monkeypatch.setenv("LAB_PORTS_FILE", str(file))
    monkeypatch.setattr(ports, "LOW", 29700)
    return file


def _root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, *instances: str) -> Path:
    home = tmp_path / name
    for key in instances:
        (home / "instances" / key).mkdir(parents=True)
    monkeypatch.setenv("LAB_HOME", str(home))
    return home


def test_two_state_roots_never_get_the_same_port(table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _root(tmp_path, monkeypatch, "a", "mod-008/default")
    first = ports.allocate("mod-008/default", ["postgres", "redis"])
    _root(tmp_path, monkeypatch, "b", "mod-008/default")
    second = ports.allocate("mod-008/default", ["postgres", "redis"])
    assert not set(first.values()) & set(second.values())
    assert ports.allocate("mod-008/default", ["postgres", "redis"]) == second  # stable per instance
    ports.release("mod-008/default")  # b's only
    rows = json.loads(table.read_text()).values()
    assert [row[0] for row in rows] == [str((tmp_path / "a").resolve())] * 2


def test_a_state_roots_earlier_table_is_adopted(table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _root(tmp_path, monkeypatch, "old", "mod-008/default")
    (home / "ports.json").write_text(json.dumps({"29750": ["mod-008/default", "postgres"]}))
    assert ports.allocate("mod-008/default", ["postgres"]) == {"postgres": 29750}
    assert not (home / "ports.json").exists()


def test_rows_of_instances_that_are_gone_are_dropped(
    table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table.write_text(json.dumps({"29700": [str(tmp_path / "deleted-root"), "mod-008/default", "postgres"]}))
    _root(tmp_path, monkeypatch, "c", "mod-001/default")
    assert ports.allocate("mod-001/default", ["jupyter"]) == {"jupyter": 29700}
