"""Every lab of the catalog through `lab smoke --all -j 2 --junit`: the CI proof that each lab that
can run here works, that its exercise checks fail before the reference solution and pass after it,
and that the others are skipped with a reason, never passed. The smoke runs in the background
beside the other end-to-end tests (tests/e2e/catalog_run.py); this test, collected last, reads it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from provisioner.definitions.catalog import summaries

pytestmark = [pytest.mark.e2e, pytest.mark.docker, pytest.mark.catalog]


def test_smoke_all(request: pytest.FixtureRequest) -> None:
    from tests.conftest import CATALOG_RUN, SMOKE_SECONDS

    run = request.config.stash[CATALOG_RUN]  # started by tests/conftest.py, beside the other tests
    code, stdout, log = run.wait()  # type: ignore[attr-defined]
    junit = run.junit  # type: ignore[attr-defined]
    runs = {r["lab"]: r for r in json.loads(stdout)}
    catalog = {s["id"]: s for s in summaries()}
    assert sorted(runs) == sorted(catalog)
    request.config.stash[SMOKE_SECONDS] = {lab_id: r["seconds"] for lab_id, r in runs.items()}
    problems = []  # every failing lab at once: CI's output is the only view of a fresh machine's run
    for lab_id, lab_run in runs.items():
        failed = [c for c in lab_run["cases"] if not c["passed"] and not c["skipped"]]
        if not catalog[lab_id]["unavailable"] and lab_run["status"] != "passed":
            problems.append(f"{lab_id}: {failed or lab_run['reason']} (diagnostics: {lab_run['diagnostics']})")
        elif catalog[lab_id]["unavailable"] and not (lab_run["status"] == "skipped" and lab_run["reason"]):
            problems.append(f"{lab_id}: unavailable here, yet not skipped with a reason")
    assert not problems, "\n".join(problems)
    assert code == 0, log
    root = ET.parse(junit).getroot()  # noqa: S314 - the file the smoke just wrote
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == sorted(catalog)
    for lab_id, suite in suites.items():
        assert int(suite.get("tests", "0")) == len(runs[lab_id]["cases"]) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "0")) == 0
    for lab_run in runs.values():
        if lab_run["status"] == "passed":
            names = [c["name"] for c in lab_run["cases"]]
            assert names[0] == "up" and names[-1] == "down"
            assert sum("fails before solve" in n for n in names) == sum(n.startswith("solve ") for n in names)
            skipped = [c for c in lab_run["cases"] if c["skipped"]]
            # exercises of an --up-only lab, or checks of an optional component not available here
            assert all(c["name"].endswith(" not proven") or "unavailable: " in c["message"] for c in skipped), skipped
