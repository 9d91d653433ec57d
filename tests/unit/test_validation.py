from __future__ import annotations

from pathlib import Path

import pytest

from provisioner.core.errors import UsageError
from provisioner.definitions.catalog import check_file, resolve

GOOD = (Path(__file__).parent.parent / "labs" / "testlab" / "lab.yaml").read_text()


def write(tmp_path: Path, text: str, name: str = "testlab") -> Path:
    file = tmp_path / name / "lab.yaml"
    file.parent.mkdir(parents=True)
    file.write_text(text)
    return file


def test_the_test_lab_is_valid() -> None:
    lab, problems = check_file(Path(__file__).parent.parent / "labs" / "testlab" / "lab.yaml")
    assert problems == [] and lab is not None and lab.id == "testlab"


def test_unknown_key_and_wrong_type_are_both_reported_with_paths(tmp_path: Path) -> None:
    text = GOOD.replace("hours: 0.1", "hours: lots\ncolour: blue")
    _lab, problems = check_file(write(tmp_path, text))
    assert len(problems) == 2
    assert any(p.endswith("lab.yaml: colour: unknown key") for p in problems)
    assert any("lab.yaml: hours: input should be a valid number" in p for p in problems)


def test_nested_missing_field_has_an_indexed_path(tmp_path: Path) -> None:
    text = GOOD.replace("    command:\n      argv: [cat,", "    promql: {}\n    x_command:\n      argv: [cat,")
    _lab, problems = check_file(write(tmp_path, text))
    assert any("checks[1].promql.query: field required" in p for p in problems)
    assert any("checks[1].x_command: unknown key" in p for p in problems)


def test_a_check_needs_exactly_one_kind(tmp_path: Path) -> None:
    text = GOOD.replace('      stdout: "sandbox for testlab"', '      stdout: "x"\n    tcp: {endpoint: workspace}')
    _lab, problems = check_file(write(tmp_path, text))
    assert any("checks[1]: needs exactly one of: command, http" in p for p in problems)


def test_bad_yaml_reports_file_and_line(tmp_path: Path) -> None:
    _lab, problems = check_file(write(tmp_path, "id: x\ntitle: [unclosed\n"))
    assert len(problems) == 1 and "lab.yaml: line " in problems[0] and "invalid YAML" in problems[0]


def test_cross_references_are_checked(tmp_path: Path) -> None:
    text = GOOD.replace("id: testlab", "id: other")
    text = text.replace("solutions/write-notes.yml", "solutions/missing.yml")
    _lab, problems = check_file(write(tmp_path, text))
    joined = "\n".join(problems)
    assert "id: 'other' must match its folder name 'testlab'" in joined
    assert "exercises[0].solution.playbook: no file solutions/missing.yml" in joined


def test_keys_the_layout_rule_made_redundant_are_unknown(tmp_path: Path) -> None:
    text = GOOD.replace("provision:\n", "provision:\n  terraform: local\n  playbooks: [testlab.yml]\n")
    _lab, problems = check_file(write(tmp_path, text))
    assert [p.split("lab.yaml: ")[1] for p in problems] == [
        "provision.terraform: unknown key",
        "provision.playbooks: unknown key",
    ]


def test_unknown_lab_suggests_the_closest(lab_home: Path) -> None:
    with pytest.raises(UsageError, match="did you mean 'testlab'"):
        resolve("testlb")
