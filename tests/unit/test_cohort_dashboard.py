"""The instructor's page without sandboxes: state written by hand, the real app in Starlette's
test client, the work that actions start replaced (the end-to-end test runs it for real)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from provisioner.core.instance_state import ExerciseProgress
from provisioner.core.state import InstanceRef, Store
from provisioner.dashboard import work
from provisioner.dashboard.board import Board, cells
from provisioner.dashboard.guard import COOKIE
from provisioner.dashboard.web import make_app
from provisioner.dashboard.work import Worker

LAB = "mod-008"
TOKEN = "t" * 24
CSRF = "c" * 24
ROUTES = ["/", "/api/cohort", "/api/events", "/api/grades.csv", "/api/students/ada/handout.html", "/static/board.js"]


def _student(sid: str, status: str = "ready", passed: dict[str, bool] | None = None) -> None:
    progress = {
        ex: ExerciseProgress(passed=p, checked_at=time.time(), failed=[] if p else ["x"])
        for ex, p in (passed or {}).items()
    }
    Store(InstanceRef(LAB, sid)).update(status=status, student=sid, created=time.time() - 60, exercises=progress)


@pytest.fixture
def lab_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """State only, no sandbox: nothing to tear down afterwards."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def worker(lab_home: Path, monkeypatch: pytest.MonkeyPatch) -> Worker:
    _student("ada", passed={"model-daily-stats-view": True, "add-index": False})
    _student("bob", status="failed")
    ran: list[tuple[str, str]] = []
    monkeypatch.setitem(work._ACTION, "check", lambda lab, sid, stopping: ran.append((lab, sid)))
    w = Worker(Board(LAB, 60), lab_home / "dashboard.log")
    w.ran = ran  # type: ignore[attr-defined]
    return w


def _client(worker: Worker, token: str | None, host: str = "127.0.0.1") -> TestClient:
    return TestClient(make_app(worker, token, CSRF), base_url=f"http://{host}:8765")


def test_the_first_failing_exercise_is_where_the_student_is_later_ones_not_attempted() -> None:
    seen = {"a": {"passed": True, "checked_at": 1.0}, "b": {"passed": False, "checked_at": 1.0, "failed": ["q"]}}
    seen["c"] = {"passed": False, "checked_at": 1.0}
    got = {ex: c["status"] for ex, c in cells(["a", "b", "c", "d"], seen).items()}
    assert got == {"a": "passed", "b": "failed", "c": "not_attempted", "d": "not_attempted"}


def test_without_the_token_every_route_is_refused(worker: Worker) -> None:
    client = _client(worker, TOKEN, host="10.0.0.5")
    for route in ROUTES:
        assert client.get(route).status_code == 401, route
    assert client.post("/api/students/ada/check", headers={"x-csrf-token": CSRF}).status_code == 401
    assert client.get("/api/cohort", headers={"authorization": "Bearer wrong-token-wrong-token"}).status_code == 401


def test_the_printed_address_turns_its_token_into_a_cookie(worker: Worker) -> None:
    client = _client(worker, TOKEN, host="10.0.0.5")
    first = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/" and COOKIE in first.cookies
    assert client.get("/api/cohort").status_code == 200  # the cookie, from now on
    assert _client(worker, TOKEN).get("/api/cohort", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert _client(worker, TOKEN).get(f"/api/cohort?token={TOKEN}", follow_redirects=False).status_code == 200


def test_a_write_needs_the_csrf_token_and_is_logged(worker: Worker, lab_home: Path) -> None:
    client = _client(worker, None)
    assert client.post("/api/students/ada/check").status_code == 403
    assert client.post("/api/students/ada/check", headers={"x-csrf-token": CSRF}).status_code == 202
    worker.stop()
    assert worker.ran == [(LAB, "ada")]  # type: ignore[attr-defined]
    log = (lab_home / "dashboard.log").read_text()
    assert '"action": "check"' in log and '"outcome": "done"' in log
    assert (lab_home / "dashboard.log").stat().st_mode & 0o077 == 0


def test_unknown_students_and_actions_are_not_found(worker: Worker) -> None:
    client = _client(worker, None)
    headers = {"x-csrf-token": CSRF}
    assert client.post("/api/students/zoe/check", headers=headers).status_code == 404
    assert client.post("/api/students/ada/format-disk", headers=headers).status_code == 404


def test_a_loopback_page_answers_only_to_loopback_names(worker: Worker) -> None:
    assert _client(worker, None).get("/api/cohort").status_code == 200
    assert _client(worker, None, host="attacker.example").get("/api/cohort").status_code == 400


def test_snapshot_and_grades_speak_of_every_student(worker: Worker) -> None:
    client = _client(worker, None)
    snap = client.get("/api/cohort").json()
    rows = {r["student"]: r for r in snap["students"]}
    assert rows["ada"]["cells"]["model-daily-stats-view"]["status"] == "passed" and rows["bob"]["state"] == "failed"
    grades = list(csv.DictReader(io.StringIO(client.get("/api/grades.csv").text)))
    assert [(g["student"], g["model-daily-stats-view"], g["passed"]) for g in grades] == [
        ("ada", "pass", "1"),
        ("bob", "fail", "0"),
    ]


def test_the_page_loads_nothing_from_elsewhere(worker: Worker) -> None:
    page = _client(worker, None).get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'content="' + CSRF + '"' in page.text and "http" not in page.text.split("<body>")[0]


def test_a_new_version_goes_out_only_when_a_student_changed(worker: Worker) -> None:
    board = worker.board
    version = board.version
    board.refresh()
    assert board.version == version
    _student("bob", status="ready")
    board.refresh()
    assert board.version == version + 1 and board.snapshot["students"][1]["state"] == "ready"


def test_a_lab_whose_backend_cannot_reset_is_not_offered_a_reset(lab_home: Path) -> None:
    Store(InstanceRef("mod-006", "ada")).update(status="ready", student="ada", created=time.time())
    worker = Worker(Board("mod-006", 0), lab_home / "dashboard.log")
    assert worker.board.snapshot["actions"] == ["check", "up"]
    reset = _client(worker, None).post("/api/students/ada/reset", headers={"x-csrf-token": CSRF})
    assert reset.status_code == 404
