"""The `grafana` check with its chokepoints substituted: `cat` in the sandbox (a fake run) and
Grafana's dashboard HTTP API (a local server answering as Grafana documents it: basic auth,
POST /api/dashboards/db, GET /api/dashboards/uid/<uid>, errors as {"message": ...})."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from provisioner.checks.runner import CheckEnv, run_check
from provisioner.checks.types import CheckResult
from provisioner.cli.output import exercise_lines
from provisioner.core.proc import Result
from provisioner.definitions.model import Check
from provisioner.exercises.run import ExerciseResult
from tests.unit.jsonserver import JsonHandler, serve

PASSWORD = "s3cret-admin"
BOARD: dict[str, Any] = {
    "id": 7,  # exported from another Grafana: the import must drop it
    "uid": "model-api",
    "title": "Model API",
    "schemaVersion": 39,
    "panels": [
        {"title": "Request rate", "type": "timeseries", "targets": [{"expr": "rate(x[1m])"}]},
        {"title": "Errors", "type": "stat", "targets": [{"expr": "y"}]},
    ],
}


class Grafana(JsonHandler):
    stored: ClassVar[dict[str, Any]] = {}
    imports: ClassVar[list[dict[str, Any]]] = []
    keep_panels: ClassVar[int | None] = None

    def do_POST(self) -> None:
        if self._refused():
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.imports.append(body)
        board = dict(body["dashboard"])
        board["panels"] = board["panels"][: self.keep_panels]
        self.stored[board["uid"]] = board
        self._answer(200, {"id": 1, "uid": board["uid"], "status": "success", "version": 1})

    def do_GET(self) -> None:
        if self._refused():
            return
        uid = self.path.rsplit("/", 1)[-1]
        if uid in self.stored:
            self._answer(200, {"dashboard": self.stored[uid], "meta": {"slug": uid}})
        else:
            self._answer(404, {"message": "Dashboard not found"})

    def _refused(self) -> bool:
        good = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != good:
            self._answer(401, {"message": "invalid username or password"})
        return self.headers.get("Authorization") != good


@pytest.fixture
def grafana() -> Iterator[str]:
    Grafana.stored, Grafana.imports, Grafana.keep_panels = {}, [], None
    with serve(Grafana) as url:
        yield url


def run(grafana: str, password: str = PASSWORD, board: Any = BOARD) -> tuple[bool, str]:
    def fake_run(argv: list[str], **_kw: Any) -> Result:
        return Result(argv, 0, board if isinstance(board, str) else json.dumps(board), "")

    values = {"endpoints": {"grafana": grafana}, "secrets": {"admin": password}}
    env = CheckEnv(values, lambda h, a: ["docker", "exec", h, *a], fake_run)
    spec = {"path": "/d.json", "host": "prom", "password": "{{ secrets.admin }}"}
    result = run_check(Check.model_validate({"name": "g", "timeout": 2, "grafana": spec}), env)
    return result.passed, result.seen


def test_the_model_is_imported_without_its_foreign_id_and_read_back(grafana: str) -> None:
    passed, seen = run(grafana)
    assert passed, seen
    assert seen == f"imported as {grafana}/d/model-api: 2 panels"
    assert Grafana.imports[0]["overwrite"] is True and "id" not in Grafana.imports[0]["dashboard"]


def test_a_wrong_password_fails_with_grafanas_reason(grafana: str) -> None:
    passed, seen = run(grafana, password="wrong")
    assert not passed
    assert seen == "Grafana refused /api/dashboards/db (HTTP 401): invalid username or password"


def test_panels_grafana_did_not_keep_fail_the_check(grafana: str) -> None:
    Grafana.keep_panels = 1
    passed, seen = run(grafana)
    assert not passed and seen == "Grafana kept 1 of the 2 panels of /d.json"


def test_a_broken_model_fails_before_grafana_is_called(grafana: str) -> None:
    passed, seen = run(grafana, board="{not json")
    assert not passed and "is not JSON" in seen and Grafana.imports == []


def test_no_grafana_answering_is_said_plainly() -> None:
    passed, seen = run("http://127.0.0.1:9")
    assert not passed and seen.startswith("no answer from Grafana at http://127.0.0.1:9")


def test_an_unavailable_check_does_not_fail_the_exercise_and_is_shown() -> None:
    unavailable = CheckResult("import", "grafana", False, "x", "unavailable: no image", 0.0, 0, {"unavailable": "g"})
    done = CheckResult("model", "dashboard", True, "x", "ok", 0.1, 1)
    lines = list(exercise_lines([ExerciseResult("dash", "A dashboard", True, "hint", [done, unavailable])]))
    assert lines == ["PASS  dash: A dashboard", "      UNAVAILABLE import: no image", "1/1 exercises done"]
