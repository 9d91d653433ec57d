"""The kubernetes target on a real cluster: a one-node kind cluster made by lab's own kind backend (the test
lab kindlab), a five-student mod-008 cohort put on it with `--target kubernetes`, each student's
PostgreSQL answering through the port-forward line of their own hand-out, students kept apart
(the API refuses one the other's pods, the NetworkPolicy one the other's database), `cohort
check` grading, and `cohort down` leaving no namespace of this state root. Everything is taken
down however the test ends: the cohort first, while the cluster it lives on still runs."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from provisioner.backends.common.ownership import home_id
from provisioner.backends.kubernetes.names import LABEL_HOME
from provisioner.backends.kubernetes.place import kubectl
from provisioner.backends.kubernetes.tunnels import FORWARDING
from provisioner.core.background import held
from tests.helpers import lab, secrets, state_leftovers, status, write_roster

# Beside the catalog smoke like the other kind tests (4 minutes on a quiet machine): the suite's
# time budget allows no more in the serial part before the smoke starts.
pytestmark = [pytest.mark.e2e, pytest.mark.docker]

STUDENTS = ["ann", "ben", "cy", "dee", "eve"]
# Deadlines (seconds) of whole commands, each with its own deadlines inside: a cluster from a
# node image that may still have to be built (about 20 minutes), five students with images to
# build and load, the grading of five, and a teardown that waits for namespaces to be gone.
CLUSTER_UP_S = 2400
COHORT_UP_S = 1800
CHECK_S = 900
DOWN_S = 900
POLICY_S = 60  # the policy agent programs a new pod's rules within seconds
# Exit 2: the name did not resolve (DNS is allowed, so that is not the policy); 1: no connection.
PROBE = """import socket, sys
try:
    address = socket.gethostbyname(sys.argv[1])
except OSError:
    sys.exit(2)
try:
    socket.create_connection((address, 5432), timeout=3).close()
except OSError:
    sys.exit(1)
"""


def test_a_cohort_on_a_kind_cluster_answers_through_its_handouts_is_isolated_graded_and_removed(
    lab_home: Path, tmp_path: Path
) -> None:
    require_kind()
    try:
        kubeconfig = make_cluster(lab_home)
        roster = write_roster(tmp_path / "roster.csv", STUDENTS)
        where = ["--target", "kubernetes", "--kubeconfig", kubeconfig]
        lab("cohort", "up", "mod-008", "--roster", str(roster), *where, "-j", "4", timeout=COHORT_UP_S)
        rows = {r["student"]: r for r in json.loads(lab("cohort", "status", "mod-008", "-o", "json").stdout)}
        assert sorted(rows) == STUDENTS and all(r["state"] == "ready" for r in rows.values())
        places = {s: place_of(lab_home, r["instance"]) for s, r in rows.items()}
        assert len(namespaces(kubeconfig)) == len(STUDENTS)
        every_postgres_answers_through_its_handout(tmp_path / "sheets", rows)
        a_student_cannot_list_another_students_pods(places["ann"], places["ben"])
        a_pod_cannot_reach_another_students_database(rows["ann"]["instance"], places["ann"], places["ben"])
        the_cohort_is_graded(tmp_path / "grades")
        lab("cohort", "down", "mod-008", timeout=DOWN_S)
        assert namespaces(kubeconfig) == [] and [r for r in status() if r["lab"] == "mod-008"] == []
    finally:
        tear_down()
    assert status() == [] and state_leftovers(lab_home) == []


def require_kind() -> None:
    """Skipped on a laptop that cannot have a kind cluster, a failure in CI, which must run it."""
    if problem := kind_problem():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run kind clusters: {problem}")
        pytest.skip(problem)


def kind_problem() -> str | None:
    """Why no kind cluster can be had here: an engine that refuses privileged containers (kind's
    nodes are), or outside CI a node image not built yet (about 20 minutes; CI builds it)."""
    from provisioner.backends.common import images as common
    from provisioner.backends.kind import doctor, images
    from provisioner.core import proc

    probe = doctor.privileged(proc.run)
    if not probe["ok"]:
        return f"kind cannot start nodes here: {probe['detail']}"
    if os.environ.get("CI"):
        return None
    try:
        tag = images.node_tag(proc.run)
    except Exception:  # no base image yet: nothing was built on this machine
        return "the kind node image is not built: `lab images build mod-006` (about 20 minutes)"
    if not common.exists(tag, proc.run):
        return f"the kind node image {tag} is not built: `lab images build mod-006` (about 20 minutes)"
    return None


def make_cluster(lab_home: Path) -> str:
    """The kind backend's cluster; its admin kubeconfig is the one its state records."""
    lab("up", "kindlab", timeout=CLUSTER_UP_S)
    state = json.loads((lab_home / "instances" / "kindlab" / "default" / "state.json").read_text())
    return str(state["hosts"]["cluster"]["kubeconfig"])


def place_of(lab_home: Path, instance: str) -> dict[str, Any]:
    """Namespace, admin and student kubeconfig of a student's sandbox, as its state records them."""
    state = json.loads((lab_home / "instances" / "mod-008" / instance / "state.json").read_text())
    return dict(state["cluster"])


def every_postgres_answers_through_its_handout(sheets: Path, rows: dict[str, dict[str, Any]]) -> None:
    """Each sheet's own port-forward line, run as the student would (their kubeconfig), then psql
    with the password the sheet hands out. The one change: kubectl picks the local port, since
    five students' forwards share this machine (and 5432 may be taken here)."""
    lab("cohort", "handout", "mod-008", "--out", str(sheets))
    for student, row in rows.items():
        sheet = (sheets / f"{student}.md").read_text()
        password = secrets("mod-008", row["instance"])["postgres_password"]
        assert password in sheet
        line = next(x for x in sheet.splitlines() if x.startswith("kubectl ") and "service/postgres" in x)
        argv = shlex.split(line)
        assert argv[-1] == "5432:5432" and "--kubeconfig" in argv, line
        with held([kubectl(), *argv[1:-1], ":5432"], FORWARDING, 60) as forwarding:
            assert count_predictions(int(forwarding.group(1)), password) == "100000", student


def count_predictions(port: int, password: str) -> str:
    url = f"postgresql://postgres@127.0.0.1:{port}/mlops"
    env = os.environ | {"PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    argv = ["psql", url, "-XAtc", "SELECT count(*) FROM predictions"]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def a_student_cannot_list_another_students_pods(own: dict[str, Any], other: dict[str, Any]) -> None:
    """With their own kubeconfig: their namespace's pods are listed (so the refusal below is the
    Role's, not a broken kubeconfig), the other's are Forbidden."""
    mine = as_student(own, "get", "pods", "--namespace", own["namespace"])
    assert mine.returncode == 0 and "postgres" in mine.stdout, mine.stderr
    theirs = as_student(own, "get", "pods", "--namespace", other["namespace"])
    assert theirs.returncode != 0 and "forbidden" in theirs.stderr.lower(), theirs.stderr


def as_student(place: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    argv = [kubectl(), "--kubeconfig", place["student_kubeconfig"], *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def a_pod_cannot_reach_another_students_database(instance: str, own: dict[str, Any], other: dict[str, Any]) -> None:
    """From the student's workstation (kubectl exec through `lab shell`): their own PostgreSQL
    answers, so the probe works; the other student's does not."""
    assert probe_within(instance, service(own), 0), "the workstation must reach its own PostgreSQL"
    assert probe_within(instance, service(other), 1), "a workstation reached another student's PostgreSQL"


def service(place: dict[str, Any]) -> str:
    return f"postgres.{place['namespace']}.svc.cluster.local"


def probe_within(instance: str, host: str, expected: int) -> bool:
    """Poll until the probe exits `expected` (0 connected, 1 refused), within POLICY_S."""
    deadline = time.monotonic() + POLICY_S
    while time.monotonic() < deadline:
        argv = ["shell", "mod-008", "--instance", instance, "--host", "workstation", "--", "python3", "-c", PROBE, host]
        result = subprocess.run(
            [sys.executable, "-m", "provisioner", *argv],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
        if result.returncode == expected:
            return True
        time.sleep(2)
    return False


def the_cohort_is_graded(out: Path) -> None:
    """Nobody has solved anything yet: every student graded, none passed (the exit code is 0)."""
    lab("cohort", "check", "mod-008", "--out", str(out), timeout=CHECK_S)
    with (out / "grades.csv").open() as fh:
        grades = list(csv.DictReader(fh))
    assert [r["student"] for r in grades] == STUDENTS and all(r["passed"] == "0" for r in grades)


def namespaces(kubeconfig: str) -> list[str]:
    """Namespaces labelled with this state root, as the admin sees them."""
    argv = [kubectl(), "--kubeconfig", kubeconfig, "get", "namespaces", "-l", f"{LABEL_HOME}={home_id()}", "-o", "name"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout.split()


def tear_down() -> None:
    """The cohort before the cluster: its `down` waits for its namespaces, on that cluster."""
    for args in (["cohort", "down", "mod-008"], ["down", "kindlab"]):
        with contextlib.suppress(subprocess.TimeoutExpired):
            lab(*args, check=False, timeout=DOWN_S)
