"""Class rosters: CSV with student id, name, email and optional per-student parameters."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from provisioner.core.errors import UsageError

REQUIRED = ("student_id", "name", "email")
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,24}$")


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    email: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def instance(self) -> str:
        """The instance name: the student id, so `lab status` reads naturally."""
        return self.id


def parse(path: Path) -> list[Student]:
    """Every problem at once, with line numbers, before anything is created."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the roster ({exc.strerror})") from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise UsageError(f"{path}: the roster is empty; it needs a header line: {','.join(REQUIRED)}")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UsageError(f"{path}:1: missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    students: list[Student] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path}:{line}: {len(row)} fields, the header has {len(header)}")
            continue
        values = {h: v.strip() for h, v in zip(header, row, strict=True)}
        sid = values["student_id"].lower()
        if not ID.match(sid):
            problems.append(f"{path}:{line}: student_id {values['student_id']!r}: use a-z, 0-9 and '-' (max 25)")
        elif sid in seen:
            problems.append(f"{path}:{line}: duplicate student_id {sid!r} (first on line {seen[sid]})")
        seen.setdefault(sid, line)
        params = {k: v for k, v in values.items() if k not in REQUIRED}
        students.append(Student(sid, values["name"], values["email"], params))
    if problems:
        raise UsageError("\n".join(problems))
    if not students:
        raise UsageError(f"{path}: the roster has a header but no students")
    return students
