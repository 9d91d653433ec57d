from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.cohort.roster import parse
from provisioner.core.errors import UsageError


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    return path


def test_students_and_their_parameters(tmp_path: Path) -> None:
    students = parse(roster(tmp_path, "student_id,name,email,track\nS01,Ann,a@x.edu,ml\n\ns02,Bo,b@x.edu,ops\n"))
    assert [s.id for s in students] == ["s01", "s02"] and students[1].params == {"track": "ops"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the roster is empty"),
        ("student_id,name\na,Ann\n", ":1: missing column: email"),
        ("student_id,name,email\na,Ann,a@x\nb,Bo,b@x\na,Al,c@x\n", ":4: duplicate student_id 'a' (first on line 2)"),
        ("student_id,name,email\na,Ann\n", ":2: 2 fields, the header has 3"),
        ("student_id,name,email\nBad Id!,Ann,a@x\n", ":2: student_id 'Bad Id!'"),
        ("student_id,name,email\n", "has a header but no students"),
    ],
)
def test_malformed_rosters_are_rejected_with_line_numbers(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        parse(roster(tmp_path, text))
    assert info.value.exit_code == 2


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        parse(roster(tmp_path, "student_id,name,email\na,A,a@x\na,B,b@x\nx y,C,c@x\n"))
    assert info.value.message.count("\n") == 1
