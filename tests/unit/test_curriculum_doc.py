"""scripts/curriculum-doc: the curriculum's topics read right, typos caught, the table current."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from provisioner.definitions import catalog

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "curriculum-doc"


@pytest.fixture(scope="module")
def doc() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("curriculum_doc", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # its dataclasses look themselves up there
    loader.exec_module(module)
    return module


def test_every_module_and_project_is_read_with_its_topics(doc: ModuleType) -> None:
    items = {item.lab_id: item for item in doc.parse(doc.SOURCE.read_text())}
    assert sorted(items) == [f"mod-{n:03}" for n in range(1, 11)] + [f"project-{n:02}" for n in range(1, 6)]
    assert items["mod-002"].groups["Shell Scripting"][2] == "Loops and functions"
    assert "Dockerfile and docker-compose.yml" in items["project-01"].groups["Key Deliverables"]
    # Parts after the projects (assessment, career) are no project's topics.
    assert list(items["project-05"].groups) == ["Key Deliverables"]


def test_a_topic_the_curriculum_does_not_have_is_reported(doc: ModuleType) -> None:
    items = doc.parse(doc.SOURCE.read_text())
    lab = catalog.load("mod-002")
    exercise = lab.exercises[0].model_copy(update={"teaches": ["Loops and function"]})
    lab = lab.model_copy(update={"exercises": [exercise], "curriculum_gaps": {"Cron job": "typo"}})
    found = doc.problems(items, {"mod-002": lab})
    assert len(found) == 2 and "'Loops and function'" in found[0] and "'Cron job'" in found[1]


def test_the_committed_table_is_current(doc: ModuleType) -> None:
    assert doc.main(["--check"]) == 0, "run python3 scripts/curriculum-doc"
