"""Grade sheets and hand-outs for a cohort. Secrets appear only in hand-outs (0600) and state."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jinja2

from provisioner.cohort import run as cohort
from provisioner.core import paths
from provisioner.core.errors import LabError
from provisioner.core.state import InstanceRef, Store, write_private
from provisioner.core.templating import render
from provisioner.definitions import catalog
from provisioner.definitions.model import Lab
from provisioner.exercises.run import check


def grade(lab_id: str, out: Path, jobs: int = 2) -> list[dict[str, Any]]:
    """Run every student's exercise checks; write grades.csv and grades.json into out."""
    lab = catalog.load(lab_id)
    ids = [ex.id for ex in lab.exercises]

    def one(student: str) -> dict[str, Any]:
        try:
            return grade_row(student, {r.id: r.passed for r in check(lab_id, [], student)}, len(ids))
        except LabError as exc:
            return grade_row(student, {}, len(ids)) | {"state": "unavailable", "error": exc.message}

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(one, sorted(cohort.members(lab_id))))
    out.mkdir(parents=True, exist_ok=True)
    (out / "grades.json").write_text(grades_json(lab_id, ids, rows))
    (out / "grades.csv").write_text(grades_csv(ids, rows))
    return rows


def grade_row(student: str, results: dict[str, bool], total: int) -> dict[str, Any]:
    return {"student": student, "state": "ready", "passed": sum(results.values()), "total": total, "exercises": results}


def grades_json(lab_id: str, ids: list[str], rows: list[dict[str, Any]]) -> str:
    return json.dumps({"lab": lab_id, "exercises": ids, "students": rows}, indent=2)


def grades_csv(ids: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["student", "state", *ids, "passed", "total"])
    for r in rows:
        marks = ["pass" if r["exercises"].get(i) else "fail" for i in ids]
        writer.writerow([r["student"], r["state"], *marks, r["passed"], r["total"]])
    return buf.getvalue()


def handouts(lab_id: str, out: Path) -> list[Path]:
    """One access sheet per student, Markdown and HTML, readable by the owner only."""
    lab = catalog.load(lab_id)
    written = []
    for row in cohort.status(lab_id):
        for suffix in (".md", ".html"):
            path = out / f"{row['student']}{suffix}"
            write_private(path, handout(lab, row, suffix))
            written.append(path)
    return written


def handout(lab: Lab, row: dict[str, Any], suffix: str) -> str:
    """One student's access sheet (row: from cohort.status), as Markdown (.md) or HTML (.html)."""
    lab_id = lab.id
    loader = jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR))
    # Markdown is not HTML: escaping it would corrupt the passwords it shows
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=suffix == ".html")  # noqa: S701
    secrets = cohort.secrets_of(lab_id, row["student"])
    state = Store(InstanceRef(lab_id, row["instance"])).load()
    values = {
        "endpoints": row["endpoints"],
        "secrets": secrets,
        "hosts": state.hosts,
        "instance": row["instance"],
        "lab_id": lab_id,
    }
    waiting = f"Not ready yet: your instructor runs `lab cohort up {lab_id}`."
    access = render(lab.access, values) if row["state"] == "ready" else waiting
    context = {
        "lab": lab,
        "student": row["student"],
        "endpoints": row["endpoints"],
        "secrets": secrets,
        "access": access,
        "state": row["state"],
        # On a cluster the endpoints listen only once the student runs these (kubernetes target).
        "port_forward": state.port_forward if row["state"] == "ready" else [],
    }
    return env.get_template(f"handout{suffix}.j2").render(**context)
