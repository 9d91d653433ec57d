"""Cohorts against the real engine on the docker test lab: isolation, resume, grades, hand-outs."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.browser import cell_status, chromium, click_confirmed, screenshot, served, wait_for
from tests.helpers import docker_leftovers, lab, resource, state_leftovers, write_roster

pytestmark = [pytest.mark.e2e, pytest.mark.docker]


def cohort_rows() -> dict[str, dict[str, object]]:
    return {r["student"]: r for r in json.loads(lab("cohort", "status", "dockerlab", "--output", "json").stdout)}


def cohort_of(lab_id: str) -> dict[str, dict[str, object]]:
    return {r["student"]: r for r in json.loads(lab("cohort", "status", lab_id, "--output", "json").stdout)}


@pytest.mark.solo  # five sandboxes and a page re-checking them every 5 s: not beside the catalog smoke
def test_five_student_cohort_of_mod008_isolated_graded_handed_out_and_removed(lab_home: Path, tmp_path: Path) -> None:
    students = ["ann", "ben", "cy", "dee", "eve"]
    roster = write_roster(tmp_path / "roster.csv", students)
    lab("cohort", "up", "mod-008", "--roster", str(roster), "-j", "3")
    rows = cohort_of("mod-008")
    assert sorted(rows) == students and all(r["state"] == "ready" for r in rows.values())
    ports = [r["endpoints"]["postgres"] for r in rows.values()]
    assert len(set(ports)) == 5 and all(p.startswith("127.0.0.1:") for p in ports)
    # ann's container cannot open a connection to ben's PostgreSQL, by name or by address
    ben_ip = subprocess.run(
        [
            "docker",
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            resource("mod-008", "ben", "postgres"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    probe = "import socket,sys; socket.create_connection((sys.argv[1], 5432), timeout=3)"
    for target in (resource("mod-008", "ben", "postgres"), ben_ip):
        reach = subprocess.run(
            ["docker", "exec", resource("mod-008", "ann", "redis"), "python3", "-c", probe, target],
            capture_output=True,
            check=False,
        )
        assert reach.returncode != 0, f"ann reached ben at {target}"
    lab("cohort", "check", "mod-008", "--out", str(tmp_path / "grades"))
    with (tmp_path / "grades" / "grades.csv").open() as fh:
        grades = list(csv.DictReader(fh))
    assert [r["student"] for r in grades] == students and all(r["passed"] == "0" for r in grades)
    lab("cohort", "handout", "mod-008", "--out", str(tmp_path / "sheets"))
    sheet = tmp_path / "sheets" / "ann.md"
    password = json.loads(lab("show", "mod-008", "--secrets", "-o", "json").stdout)
    ann = next(i for i in password["instances"] if i["instance"] == "ann")["secrets"]["postgres_password"]
    assert ann in sheet.read_text() and oct(sheet.stat().st_mode & 0o777) == "0o600"
    _the_class_on_one_page(lab_home)
    lab("cohort", "down", "mod-008")
    assert docker_leftovers(*students, lab_id="mod-008") == [] and state_leftovers(lab_home) == []


def _the_class_on_one_page(lab_home: Path) -> None:
    """The instructor's page in Chromium: five rows; a solved exercise turns its cell to passed
    without a reload; "re-run checks" for one student runs them and is logged."""
    first = "model-daily-stats-view"
    started = time.monotonic()
    with served("mod-008", "--interval", "5s") as (url, _), chromium() as driver:
        driver.get(url)
        wait_for(driver, 30, "five rows", lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr[data-student]")) == 5)
        wait_for(driver, 120, "ann's first check", lambda d: cell_status(d, "ann", first) == "failed")
        driver.execute_script("window.notReloaded = true")
        lab("solve", "mod-008", first, "--instance", "ann")
        wait_for(driver, 120, "ann's cell passed", lambda d: cell_status(d, "ann", first) == "passed")
        assert driver.execute_script("return window.notReloaded") is True
        hint = driver.execute_script(
            "return document.querySelector('tr[data-student=\"ben\"] td[data-exercise] span').title"
        )
        assert "hint: " in hint and "failing: " in hint, hint
        click_confirmed(driver, "ben", "check")
        log = lab_home / "cohorts" / "mod-008" / "dashboard.log"
        done = '"action": "check", "student": "ben", "from": "127.0.0.1", "outcome": "done"'
        wait_for(driver, 120, "ben's checks logged", lambda d: log.exists() and done in log.read_text())
        print(f"screenshot: {screenshot(driver, 'cohort-dashboard.png')}; {time.monotonic() - started:.0f} s")
    _off_loopback_only_with_the_token()


def _off_loopback_only_with_the_token() -> None:
    with served("mod-008", "--bind", "0.0.0.0", "--interval", "0s") as (url, _):  # noqa: S104 - what is tested
        port, token = re.search(r":(\d+)/\?token=(\S+)$", url).groups()  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        for route in ("/", "/api/cohort", "/api/events", "/api/grades.csv", "/api/students/ann/handout.html"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + route, timeout=10)  # noqa: S310 - http, built here
            assert refused.value.code == 401, route
        bearer = {"authorization": f"Bearer {token}"}
        request = urllib.request.Request(f"{base}/api/cohort", headers=bearer)  # noqa: S310 - http, built here
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - http, built here
            assert len(json.loads(answer.read())["students"]) == 5


def test_students_dropped_from_the_roster_are_removed_only_with_prune(lab_home: Path, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ["ann", "ben"])
    lab("cohort", "up", "dockerlab", "--roster", str(roster), "-j", "2")
    write_roster(roster, ["ann"])
    out = lab("cohort", "up", "dockerlab", "--roster", str(roster)).stdout
    assert "ben: not on the roster any more" in out and "ben" in cohort_rows()
    lab("cohort", "up", "dockerlab", "--roster", str(roster), "--prune")
    assert sorted(cohort_rows()) == ["ann"]
    lab("cohort", "down", "dockerlab")
    assert docker_leftovers("ann", "ben") == [] and state_leftovers(lab_home) == []


def test_killed_cohort_up_resumes_without_touching_finished_students(lab_home: Path, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ["s1", "s2", "s3"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "provisioner", "cohort", "up", "dockerlab", "--roster", str(roster), "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states = {r["student"]: r["state"] for r in cohort_rows().values()} if (lab_home / "instances").exists() else {}
        if "ready" in states.values() and len(states) >= 2:
            break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {s: r for s, r in cohort_rows().items() if r["state"] == "ready"}
    assert finished
    before = {s: r["age_seconds"] for s, r in finished.items()}
    out = lab("cohort", "up", "dockerlab", "--roster", str(roster), "--output", "json").stdout
    outcome = {o["student"]: o["status"] for o in json.loads(out)["students"]}
    assert all(outcome[s] == "skipped" for s in before) and set(outcome.values()) <= {"skipped", "ready"}
    assert all(r["state"] == "ready" for r in cohort_rows().values()) and len(cohort_rows()) == 3
    lab("cohort", "down", "dockerlab")
    assert docker_leftovers("s1", "s2", "s3") == [] and state_leftovers(lab_home) == []


def test_malformed_roster_creates_nothing(lab_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("student_id,name,email\na,A,a@x\na,B,b@x\n")
    result = lab("cohort", "up", "dockerlab", "--roster", str(bad), check=False)
    assert result.returncode == 2 and ":3: duplicate student_id 'a'" in result.stderr
    assert docker_leftovers("a") == [] and not (lab_home / "instances").exists()
