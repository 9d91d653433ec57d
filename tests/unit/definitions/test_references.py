"""`lab validate` checks Jinja references against what the lab defines, with file and field path."""

from __future__ import annotations

import shutil
from pathlib import Path

from provisioner.definitions.catalog import check_file

MOD_008 = Path(__file__).resolve().parents[3] / "labs" / "mod-008" / "lab.yaml"


def problems_after(tmp_path: Path, *edits: tuple[str, str]) -> list[str]:
    text = MOD_008.read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    shutil.copytree(MOD_008.parent, tmp_path / "mod-008")  # with its solutions
    file = tmp_path / "mod-008" / "lab.yaml"
    file.write_text(text)
    return [p.split("lab.yaml: ", 1)[1] for p in check_file(file)[1]]


def test_the_catalog_references_only_what_it_defines() -> None:
    assert check_file(MOD_008)[1] == []


def test_unknown_secret_endpoint_host_and_host_variable_each_with_their_path(tmp_path: Path) -> None:
    problems = problems_after(
        tmp_path,
        ("learner:{{ secrets.learner_password }}@", "learner:{{ secrets.learner_pw }}@"),
        ("{{ endpoints.redis }}", "{{ endpoints['cache'] }}"),
        ("{{ hosts.redis.container }}", "{{ hosts.redis.domain }} {{ hosts.cache.container }}"),
    )
    assert problems == [
        "checks[1].command.argv[1]: unknown secret 'learner_pw' "
        "(the lab defines: app_password, learner_password, postgres_password, redis_password)",
        "access: unknown endpoint 'cache' (the lab defines: postgres, redis)",
        "access: unknown host (component) 'cache' (the lab defines: postgres, redis, workstation)",
        "access: hosts.redis: unknown host variable 'domain' (this backend sets: container)",
    ]


def test_env_is_rendered_before_the_sandbox_exists_and_hints_must_parse(tmp_path: Path) -> None:
    problems = problems_after(
        tmp_path,
        ('POSTGRES_PASSWORD: "{{ secrets.postgres_password }}"', 'POSTGRES_PASSWORD: "{{ endpoints.redis }}"'),
        ("hint: >-\n      Join", "hint: >-\n      {% if %} Join"),
        ("SELECT count(*) FROM predictions WHERE score", "SELECT {{ lab }} FROM predictions WHERE score"),
    )
    assert problems == [
        "exercises[0].hint: invalid Jinja: Expected an expression, got 'end of statement block' (line 1)",
        "exercises[2].checks[0].sql.query: unknown name 'lab' (here: endpoints, hosts, instance, lab_id, secrets)",
        "sandbox.components[0].env.POSTGRES_PASSWORD: unknown name 'endpoints' (here: instance, lab_id, secrets)",
    ]
