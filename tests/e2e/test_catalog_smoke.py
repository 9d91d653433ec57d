"""Every lab of the catalog through `lab smoke --all -j 2 --junit`: the CI proof that each lab that
can run here works, that its exercise checks fail before the reference solution and pass after it,
and that the others are skipped with a reason, never passed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from provisioner.definitions.catalog import summaries
from tests.helpers import lab

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.catalog]


def test_smoke_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAB_PATH", raising=False)
    junit = tmp_path / "smoke.xml"
    result = lab("smoke", "--all", "-j", "2", "--junit", str(junit), "--output", "json", check=False)
    runs = {r["lab"]: r for r in json.loads(result.stdout)}
    catalog = {s["id"]: s for s in summaries()}
    assert sorted(runs) == sorted(catalog)
    for lab_id, run in runs.items():
        failed = [c for c in run["cases"] if not c["passed"] and not c["skipped"]]
        if not catalog[lab_id]["unavailable"]:
            assert run["status"] == "passed", f"{lab_id}: {failed or run['reason']} (diagnostics: {run['diagnostics']})"
        else:
            assert run["status"] == "skipped" and run["reason"], lab_id
    assert result.returncode == 0, result.stderr[-3000:]
    root = ET.parse(junit).getroot()  # noqa: S314 - the file we just wrote
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == sorted(catalog)
    for lab_id, suite in suites.items():
        assert int(suite.get("tests", "0")) == len(runs[lab_id]["cases"]) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "0")) == 0
    for run in runs.values():
        if run["status"] == "passed":
            names = [c["name"] for c in run["cases"]]
            assert names[0] == "up" and names[-1] == "down"
            assert sum("fails before solve" in n for n in names) == sum(n.startswith("solve ") for n in names)
