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
from provisioner.exercises.run import check


def grade(lab_id: str, out: Path, jobs: int = 2) -> list[dict[str, Any]]:
    """Run every student's exercise checks; write grades.csv and grades.json into out."""
    lab = catalog.load(lab_id)
    ids = [ex.id for ex in lab.exercises]

    def one(student: str) -> dict[str, Any]:
        row: dict[str, Any] = {"student": student}
        try:
            results = {r.id: r.passed for r in check(lab_id, [], student)}
            row.update(state="ready", passed=sum(results.values()), total=len(ids), exercises=results)
        except LabError as exc:
            row.update(state="unavailable", passed=0, total=len(ids), exercises={}, error=exc.message)
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(one, sorted(cohort.members(lab_id))))
    out.mkdir(parents=True, exist_ok=True)
    (out / "grades.json").write_text(json.dumps({"lab": lab_id, "exercises": ids, "students": rows}, indent=2))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["student", "state", *ids, "passed", "total"])
    for r in rows:
        marks = ["pass" if r["exercises"].get(i) else "fail" for i in ids]
        writer.writerow([r["student"], r["state"], *marks, r["passed"], r["total"]])
    (out / "grades.csv").write_text(buf.getvalue())
    return rows


def handouts(lab_id: str, out: Path) -> list[Path]:
    """One access sheet per student, Markdown and HTML, readable by the owner only."""
    lab = catalog.load(lab_id)
    loader = jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR))
    md = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 - Markdown
    html = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True)
    written = []
    for row in cohort.status(lab_id):
        secrets = cohort.secrets_of(lab_id, row["student"])
        values = {
            "endpoints": row["endpoints"],
            "secrets": secrets,
            "hosts": Store(InstanceRef(lab_id, row["instance"])).load().hosts,
            "instance": row["instance"],
            "lab_id": lab_id,
        }
        ready = row["state"] == "ready"
        waiting = f"Not ready yet: your instructor runs `lab cohort up {lab_id}`."
        access = render(lab.access, values) if ready else waiting
        context = {
            "lab": lab,
            "student": row["student"],
            "endpoints": row["endpoints"],
            "secrets": secrets,
            "access": access,
            "state": row["state"],
        }
        for suffix, env in ((".md", md), (".html", html)):
            path = out / f"{row['student']}{suffix}"
            write_private(path, env.get_template(f"handout{suffix}.j2").render(**context))
            written.append(path)
    return written
