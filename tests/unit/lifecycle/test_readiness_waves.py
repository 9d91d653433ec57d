"""Readiness checks wait side by side, but a check tried once waits for the waits listed before it."""

from __future__ import annotations

from provisioner.definitions.model import Check
from provisioner.lifecycle.verify import waves


def check(name: str, retry: float = 0) -> Check:
    return Check.model_validate({"name": name, "retry": retry, "tcp": {"endpoint": "ssh"}})


def names(groups: list[list[Check]]) -> list[list[str]]:
    return [[c.name for c in group] for group in groups]


def test_a_one_off_check_starts_after_the_waits_before_it() -> None:
    checks = [check("ssh", 180), check("engine", 120), check("images"), check("volumes"), check("api", 30)]
    assert names(waves(checks)) == [["ssh", "engine"], ["images", "volumes", "api"]]


def test_waits_alone_or_one_offs_alone_all_run_together() -> None:
    assert names(waves([check("a", 5), check("b", 5)])) == [["a", "b"]]
    assert names(waves([check("a"), check("b"), check("c", 5)])) == [["a", "b", "c"]]
    assert names(waves([])) == [[]]
