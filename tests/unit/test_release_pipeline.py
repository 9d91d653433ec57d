"""The release-workstation's `pipeline` (images/release-workstation/pipeline.py): it lints a GitHub
Actions workflow with actionlint, then runs its steps in order, and records the run the way
project-05's checks read it. actionlint is a stand-in script here (the real one is built into
the image): it fails on a workflow that contains the word BROKEN."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from provisioner.core import paths

SCRIPT = paths.IMAGES_DIR / "release-workstation" / "pipeline.py"
WORKFLOW = ".github/workflows/release.yml"
FAKE_ACTIONLINT = """#!/bin/sh
if grep -q BROKEN "$2"; then echo "$2:1:1: BROKEN is not a key [syntax-check]"; exit 1; fi
"""


@pytest.fixture(scope="module")
def pipeline() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_pipeline", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository, and a stand-in actionlint first on PATH."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "actionlint").write_text(FAKE_ACTIONLINT)
    (tools / "actionlint").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{Path(sys.executable).parent}:/usr/bin:/bin")
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def commit(repo: Path, workflow: str | None) -> None:
    if workflow is not None:
        (repo / WORKFLOW).parent.mkdir(parents=True, exist_ok=True)
        (repo / WORKFLOW).write_text(workflow)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(repo), *identity, "commit", "-q", "-m", "w"], check=True)


def last_run(repo: Path) -> dict[str, Any]:
    return json.loads((repo / ".pipeline" / "last-run.json").read_text())


def statuses(run: dict[str, Any]) -> dict[str, str]:
    return {s["name"]: s["status"] for s in run["stages"]}


TWO_JOBS = """
name: release
on: [push]
env: {LEVEL: workflow, FLAG: true}
jobs:
  promote:
    needs: release
    runs-on: ubuntu-latest
    steps:
      - name: promote-prod
        run: test -f dist/release.json && echo "promoted $(cat dist/release.json)"
  release:
    runs-on: ubuntu-latest
    env: {LEVEL: job}
    steps:
      - uses: actions/checkout@v4
      - name: build
        run: |
          mkdir -p dist
          echo "$GITHUB_SHA" > dist/release.json
          echo "BUILT=yes" >> "$GITHUB_ENV"
      - name: deploy-staging
        env: {LEVEL: step}
        run: test "$LEVEL $FLAG $BUILT" = "step true yes"
"""


def test_jobs_run_in_needs_order_in_one_workspace_and_record_each_step(pipeline: ModuleType, repo: Path) -> None:
    commit(repo, TWO_JOBS)
    assert pipeline.main(["run", "-C", str(repo)]) == 0
    run = last_run(repo)
    names = [s["name"] for s in run["stages"]]
    assert names == ["actionlint", "Run actions/checkout@v4", "build", "deploy-staging", "promote-prod"]
    head = subprocess.check_output(["git", "-C", str(repo), "rev-parse", "HEAD"], text=True).strip()
    assert run["status"] == "passed" and run["commit"] == head
    assert statuses(run)["Run actions/checkout@v4"] == "skipped"  # uses: steps are not run here
    assert [s["job"] for s in run["stages"][1:]] == ["release", "release", "release", "promote"]
    log = next((repo / ".pipeline" / "runs" / "1").glob("*promote-prod.log")).read_text()
    assert log.startswith("promoted " + run["commit"])


def test_a_failed_step_skips_the_rest_of_its_job_and_the_jobs_that_need_it(pipeline: ModuleType, repo: Path) -> None:
    commit(repo, TWO_JOBS.replace('echo "$GITHUB_SHA" > dist/release.json', "exit 3"))
    assert pipeline.main(["run", "-C", str(repo)]) == 1
    run = last_run(repo)
    assert run["status"] == "failed"
    assert statuses(run) == {
        "actionlint": "passed",
        "Run actions/checkout@v4": "skipped",
        "build": "failed",
        "deploy-staging": "skipped",
        "promote-prod": "skipped",
    }
    assert run["stages"][2]["exit_code"] == 3


def test_continue_on_error_lets_the_job_go_on(pipeline: ModuleType, repo: Path) -> None:
    workflow = """
on: push
jobs:
  only:
    runs-on: ubuntu-latest
    steps:
      - {name: flaky, run: "false", continue-on-error: true}
      - {name: after, run: "true"}
"""
    commit(repo, workflow)
    assert pipeline.main(["run", "-C", str(repo)]) == 0
    assert statuses(last_run(repo)) == {"actionlint": "passed", "flaky": "failed", "after": "passed"}


def test_an_invalid_workflow_fails_the_run_with_actionlints_message(
    pipeline: ModuleType, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, TWO_JOBS.replace("    env: {LEVEL: job}", "    BROKEN: 1\n    env: {LEVEL: job}"))
    assert pipeline.main(["run", "-C", str(repo)]) == 1
    assert "BROKEN is not a key [syntax-check]" in capsys.readouterr().out
    run = last_run(repo)
    assert run["status"] == "failed" and statuses(run)["actionlint"] == "failed"
    assert {s["status"] for s in run["stages"][1:]} == {"skipped"}


def test_unreadable_yaml_still_gets_actionlints_verdict(pipeline: ModuleType, repo: Path) -> None:
    commit(repo, "jobs: [BROKEN\n")
    assert pipeline.main(["run", "-C", str(repo)]) == 1
    assert [s["name"] for s in last_run(repo)["stages"]] == ["actionlint"]


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("if: github.ref == 'refs/heads/main'", "`if:` is valid on GitHub, but beyond the lab's runner"),
        ("env: {SHA: '${{ github.sha }}'}", "expressions are for GitHub's runners"),
    ],
)
def test_what_only_github_can_run_stops_the_run(
    pipeline: ModuleType, repo: Path, capsys: pytest.CaptureFixture[str], snippet: str, message: str
) -> None:
    commit(repo, f"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: 'true'\n        {snippet}\n")
    assert pipeline.main(["run", "-C", str(repo)]) == 2
    assert message in capsys.readouterr().err
    assert last_run(repo)["status"] == "failed" and message in last_run(repo)["error"]


def test_no_workflow_is_a_usage_error(pipeline: ModuleType, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "README").write_text("no workflow yet")
    commit(repo, None)
    assert pipeline.main(["run", "-C", str(repo)]) == 2
    assert WORKFLOW in capsys.readouterr().err


def test_job_order_follows_needs_and_refuses_cycles(pipeline: ModuleType) -> None:
    jobs = {"c": {"needs": ["a", "b"]}, "b": {"needs": "a"}, "a": {}}
    assert pipeline.job_order(jobs) == ["a", "b", "c"]
    with pytest.raises(pipeline.Usage, match="cycle"):
        pipeline.job_order({"a": {"needs": "b"}, "b": {"needs": "a"}})


def test_shells_and_defaults_as_on_github(pipeline: ModuleType) -> None:
    workflow = """
on: push
defaults: {run: {shell: sh}}
jobs:
  a:
    runs-on: ubuntu-latest
    timeout-minutes: 3
    defaults: {run: {working-directory: src}}
    steps:
      - run: echo one
      - {run: print(1), shell: python, timeout-minutes: 1}
      - {run: x, shell: "perl {0} --flag"}
"""
    first, second, third = pipeline.load_workflow(workflow)[0].steps
    assert first.shell == ["sh", "-e", "{0}"] and first.workdir == "src" and first.timeout == 180
    assert first.name == "Run echo one"
    assert second.shell == ["python", "{0}"] and second.timeout == 60
    assert third.shell == ["perl", "{0}", "--flag"]
    assert pipeline.shell_argv("bash") == ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"]
