"""`--output json` is one parseable document on stdout; the text form is what people read."""

from __future__ import annotations

import json

import pytest

from tests.unit.cli.helpers import Lab

CATALOG = [*(f"mod-{n:03}" for n in range(1, 11)), *(f"project-{n:02}" for n in range(1, 6))]
ROW = {"lab": "mod-008", "instance": "default", "state": "ready", "endpoints": {"postgres": "127.0.0.1:15432"}}


def test_list_json_has_exactly_the_catalog(lab: Lab) -> None:
    result = lab("list", "--output", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(row["id"] for row in json.loads(result.stdout)) == CATALOG


def test_list_text_is_one_aligned_line_per_lab(lab: Lab) -> None:
    lines = lab("list").stdout.splitlines()
    assert len(lines) == len(CATALOG)
    assert lines[7] == "mod-008      docker      8h  Databases for ML systems"


def test_show_json_parses_and_has_no_instance_yet(lab: Lab) -> None:
    data = json.loads(lab("show", "mod-008", "-o", "json").stdout)
    assert (data["id"], data["instances"]) == ("mod-008", [])


def test_show_text_starts_with_title_and_backend(lab: Lab) -> None:
    first = lab("show", "mod-008").stdout.splitlines()[0]
    assert first == "mod-008: Databases for ML systems  (module, 8.0 h, backend docker)"


def test_status_without_instances(lab: Lab) -> None:
    assert lab("status").stdout == "no instances\n"
    assert json.loads(lab("status", "--output", "json").stdout) == []


def test_status_json_and_text_of_one_instance(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("provisioner.lifecycle.inventory.status", lambda: [ROW])
    assert json.loads(lab("status", "--output", "json").stdout) == [ROW]
    assert lab("status").stdout == "mod-008      default      ready      postgres=127.0.0.1:15432\n"
