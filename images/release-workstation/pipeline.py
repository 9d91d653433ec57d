#!/opt/venv/bin/python3
"""pipeline: run a repository's GitHub Actions workflow on this machine, like a CI server would.

usage: pipeline [run] [-C REPO] [-w WORKFLOW] [--until STEP]   lint the workflow, run its steps
       pipeline show [-C REPO]                                print the last run

The workflow (default .github/workflows/release.yml) is a real GitHub Actions workflow, read from
the committed HEAD. Every run exports HEAD (`git archive`) into REPO/.pipeline/runs/N/workspace,
the checkout the steps work in, then:
  1. actionlint checks the workflow (and shellcheck the scripts of its run: steps): when it
     reports anything, the run fails right there, with actionlint's messages;
  2. the jobs run one after the other in `needs:` order (file order otherwise), each job's steps
     in order. A `run:` step runs as on GitHub: its script in a file, run by its `shell:`
     (default `bash --noprofile --norc -eo pipefail`; also sh, python, or a command with {0}),
     in its `working-directory:`, with the `env:` of the workflow, the job and the step. A failed
     step fails its job, skipping the rest of it and every job that needs it (unless the step
     has `continue-on-error: true`).

This is not GitHub's runner, and not nektos/act either (act runs workflows locally, but in
container images it pulls from a registry this sandbox cannot reach). What differs:
  - `uses:` steps are not run (no action marketplace offline): the workspace already is the
    checkout of HEAD and the tools are installed here. All jobs share that one workspace; on
    GitHub each job gets a fresh machine, so pass files on with actions/upload-artifact and
    download-artifact there (here they are noted and skipped).
  - Expressions (${{ ... }}) are not evaluated: a run:, env:, shell: or working-directory: with
    one, and an `if:`, a matrix, services or a container, stop the run before any step (read
    github.sha as $GITHUB_SHA). on:, runs-on:, permissions:, environment: and the like are for
    actionlint and GitHub only.
  - A step times out after its (or its job's) timeout-minutes, by default 10 (360 on GitHub).
Steps see CI=true, GITHUB_SHA, GITHUB_WORKSPACE, GITHUB_RUN_NUMBER, GITHUB_WORKFLOW, GITHUB_JOB,
GITHUB_ENV (KEY=VALUE lines written there reach the later steps of the job), GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY, and PIPELINE_RUN, PIPELINE_COMMIT, PIPELINE_REPO, PIPELINE_WORKSPACE.

Uncommitted and untracked files are not part of a run, exactly as on a CI server: commit first.
Each step's output goes to the terminal and to runs/N/NN-STEP.log; runs/N/run.json and
REPO/.pipeline/last-run.json record the outcome: one stage per step, named by the step's name,
after the stage `actionlint` (keep .pipeline/ out of git). Exit code: 0 the run passed, 1 it
failed, 2 usage error (no workflow, or one this runner cannot run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WORKFLOW = ".github/workflows/release.yml"
SHELLS = {
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
    "sh": ["sh", "-e", "{0}"],
    "python": ["python", "{0}"],
}
# Valid on GitHub, but they need its expression engine or its container images.
UNSUPPORTED = {"job": ("if", "strategy", "services", "container", "uses"), "step": ("if",)}
DEFAULT_TIMEOUT_MINUTES = 10


class Usage(Exception):
    pass


@dataclass
class Step:
    job: str
    name: str
    uses: str = ""  # a `uses:` step is recorded but not run
    script: str = ""
    shell: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = ""
    timeout: float = DEFAULT_TIMEOUT_MINUTES * 60
    continue_on_error: bool = False


@dataclass
class Job:
    id: str
    needs: list[str]
    steps: list[Step]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Usage(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


# ------------------------------------------------------------------ reading the workflow


def load_workflow(text: str) -> list[Job]:
    """The jobs to run, in order. actionlint has checked the schema; this only refuses what it
    cannot run and guards the shapes it relies on."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Usage(f"the workflow is not valid YAML: {exc}") from exc
    jobs = doc.get("jobs") if isinstance(doc, dict) else None
    if not isinstance(jobs, dict) or not jobs:
        raise Usage("the workflow has no `jobs:`")
    top = inherit({"env": {}}, doc, "the workflow")
    return [load_job(job_id, jobs[job_id], top) for job_id in job_order(jobs)]


def job_order(jobs: dict[str, Any]) -> list[str]:
    """Every job after the jobs it needs, file order otherwise (GitHub would run independent
    jobs side by side; here they take turns)."""
    order: list[str] = []

    def visit(job_id: str, chain: list[str]) -> None:
        if job_id in chain:
            raise Usage(f"the jobs need each other in a cycle: {' -> '.join([*chain, job_id])}")
        if job_id not in jobs:
            raise Usage(f"job {chain[-1]} needs {job_id!r}, which is not a job of the workflow")
        if job_id not in order:
            for need in needs_of(jobs[job_id]):
                visit(need, [*chain, job_id])
            order.append(job_id)

    for job_id in jobs:
        visit(job_id, [])
    return order


def needs_of(job: Any) -> list[str]:
    needs = job.get("needs", []) if isinstance(job, dict) else []
    return [needs] if isinstance(needs, str) else [str(n) for n in needs or []]


def inherit(parent: dict[str, Any], node: dict[str, Any], where: str) -> dict[str, Any]:
    """What a workflow hands down to its jobs and a job to its steps: env, defaults.run
    (shell, working-directory) and timeout-minutes."""
    defaults = node.get("defaults")
    run_defaults = defaults.get("run") if isinstance(defaults, dict) else None
    scope = parent | {k: v for k, v in (run_defaults or {}).items() if k in ("shell", "working-directory")}
    scope["env"] = parent["env"] | env_of(node.get("env"), f"{where}: env")
    if "timeout-minutes" in node:
        scope["timeout-minutes"] = node["timeout-minutes"]
    return scope


def load_job(job_id: str, job: Any, top: dict[str, Any]) -> Job:
    if not isinstance(job, dict):
        raise Usage(f"job {job_id}: a mapping with steps:")
    refuse(job, "job", f"job {job_id}")  # before steps: a job that calls a reusable workflow has none
    if not isinstance(job.get("steps"), list):
        raise Usage(f"job {job_id}: it has no steps:")
    scope = inherit(top, job, f"job {job_id}")
    steps = [load_step(job_id, i, step, scope) for i, step in enumerate(job["steps"], 1)]
    return Job(job_id, needs_of(job), steps)


def load_step(job_id: str, i: int, step: Any, scope: dict[str, Any]) -> Step:
    where = f"job {job_id}, step {i}"
    if not isinstance(step, dict) or ("run" in step) == ("uses" in step):
        raise Usage(f"{where}: a step has either run: or uses:")
    refuse(step, "step", where)
    if "uses" in step:
        return Step(job_id, str(step.get("name") or f"Run {step['uses']}"), uses=str(step["uses"]))
    script = literal(step["run"], f"{where}: run")
    first_line = script.strip().splitlines()[0] if script.strip() else ""
    return Step(
        job=job_id,
        name=str(step.get("name") or f"Run {first_line}"),  # GitHub's name for a step without one
        script=script,
        shell=shell_argv(literal(step.get("shell", scope.get("shell", "bash")), f"{where}: shell")),
        env=scope["env"] | env_of(step.get("env"), f"{where}: env"),
        workdir=literal(step.get("working-directory", scope.get("working-directory", ".")), where),
        timeout=minutes(step.get("timeout-minutes", scope.get("timeout-minutes")), where) * 60,
        continue_on_error=step.get("continue-on-error") is True,
    )


def refuse(node: dict[str, Any], kind: str, where: str) -> None:
    for key in UNSUPPORTED[kind]:
        if key in node:
            raise Usage(f"{where}: {unsupported(key)}")


def unsupported(key: str) -> str:
    return f"`{key}:` is valid on GitHub, but beyond the lab's runner (pipeline --help)"


def literal(value: Any, where: str) -> str:
    text = str(value)
    if "${{" in text:
        raise Usage(f"{where}: expressions are for GitHub's runners, not this one: use $GITHUB_SHA and the like")
    return text


def env_of(env: Any, where: str) -> dict[str, str]:
    if env is None:
        return {}
    if not isinstance(env, dict):
        raise Usage(f"{where} must be a mapping")
    # YAML's true/false are GitHub's "true"/"false", not Python's "True"
    return {str(k): literal(str(v).lower() if isinstance(v, bool) else v, where) for k, v in env.items()}


def shell_argv(shell: str) -> list[str]:
    if shell in SHELLS:
        return SHELLS[shell]
    if shell in ("pwsh", "powershell", "cmd"):
        raise Usage(f"shell {shell} is not installed here: use bash, sh or python")
    argv = shlex.split(shell)
    return argv if "{0}" in argv else [*argv, "{0}"]


def minutes(value: Any, where: str) -> float:
    if value is None:
        return DEFAULT_TIMEOUT_MINUTES
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise Usage(f"{where}: timeout-minutes must be a positive number")
    return float(value)


# ------------------------------------------------------------------ running it


def export(repo: Path, workspace: Path) -> None:
    workspace.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", "HEAD"], stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(workspace)], stdin=archive.stdout, check=False)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        raise Usage("cannot export HEAD with git archive")


def execute(argv: list[str], cwd: Path, env: dict[str, str], timeout: float, log: Path) -> tuple[str, int | None]:
    """Run argv, its output to the terminal (indented) and to log; (status, exit code)."""
    with log.open("wb") as out:
        try:
            proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as exc:
            message = f"cannot start {argv[0]} in {cwd}: {exc.strerror or exc}\n".encode()
            out.write(message)
            sys.stdout.buffer.write(b"    " + message)
            return "failed", None
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            sys.stdout.buffer.write(b"    " + line)
            sys.stdout.flush()
        code = proc.wait()
        timer.cancel()
        if expired.is_set():
            out.write(f"timed out after {timeout:g} s\n".encode())
            print(f"    timed out after {timeout:g} s")
            return "timed-out", code
    return ("passed" if code == 0 else "failed"), code


@dataclass
class Run:
    """One run: its folder, the workspace, the environment every step sees and the record."""

    repo: Path
    number: int
    dir: Path
    env: dict[str, str]
    record: dict[str, Any]
    until: str | None = None

    @property
    def workspace(self) -> Path:
        return self.dir / "workspace"

    def log(self, index: int, name: str) -> Path:
        return self.dir / f"{index:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')[:40]}.log"


def start(repo: Path, commit: str, workflow: str, until: str | None) -> Run:
    runs = repo / ".pipeline" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    number = 1 + max([int(p.name) for p in runs.iterdir() if p.name.isdigit()], default=0)
    run_dir = runs / str(number)
    export(repo, run_dir / "workspace")
    env = os.environ | {
        "CI": "true",
        "GITHUB_SHA": commit,
        "GITHUB_WORKSPACE": str(run_dir / "workspace"),
        "GITHUB_RUN_NUMBER": str(number),
        "GITHUB_WORKFLOW": workflow,
        "PIPELINE_RUN": str(number),
        "PIPELINE_COMMIT": commit,
        "PIPELINE_REPO": str(repo),
        "PIPELINE_WORKSPACE": str(run_dir / "workspace"),
    }
    record = {"run": number, "commit": commit, "workflow": workflow, "started": now(), "status": "running"}
    return Run(repo, number, run_dir, env, record, until)


def lint(run: Run, workflow: str, total: int) -> dict[str, Any]:
    """actionlint on the exported workflow: the first stage of every run."""
    argv = ["actionlint", "-no-color", workflow]
    entry: dict[str, Any] = {"name": "actionlint", "job": None, "run": shlex.join(argv)}
    print(f"==> [1/{total}] actionlint: {shlex.join(argv)}", flush=True)
    started = time.monotonic()
    entry["status"], entry["exit_code"] = execute(argv, run.workspace, run.env, 300, run.log(1, "actionlint"))
    entry["seconds"] = round(time.monotonic() - started, 2)
    print(f"<== actionlint: {entry['status']} ({entry['seconds']} s)", flush=True)
    return entry


def run_step(run: Run, step: Step, index: int, total: int, job_env: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": step.name, "job": step.job}
    if step.uses:
        print(f"--  [{index}/{total}] {step.job} / {step.name}: uses {step.uses}: not run here (pipeline --help)")
        return entry | {"uses": step.uses, "status": "skipped"}
    files = run.dir / "steps" / f"{index:02d}"
    files.mkdir(parents=True, exist_ok=True)
    script = files / ("script.py" if step.shell[0].startswith("python") else "script.sh")
    script.write_text(step.script)
    github = {name: str(files / name.lower()) for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
    for path in github.values():
        Path(path).touch()
    env = run.env | {"GITHUB_JOB": step.job} | job_env | step.env | github
    argv = [a.replace("{0}", str(script)) for a in step.shell]
    print(f"==> [{index}/{total}] {step.job} / {step.name}", flush=True)
    started = time.monotonic()
    status, code = execute(argv, run.workspace / step.workdir, env, step.timeout, run.log(index, step.name))
    entry |= {"run": step.script, "status": status, "exit_code": code, "seconds": round(time.monotonic() - started, 2)}
    print(f"<== {step.name}: {status} ({entry['seconds']} s)", flush=True)
    job_env |= read_env_file(Path(github["GITHUB_ENV"]))
    if step.continue_on_error:
        entry["continue_on_error"] = True
    return entry


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines a step wrote to $GITHUB_ENV (the KEY<<EOF form is not read)."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and "<<" not in line)
    return {k.strip(): v for k, v in pairs if k.strip()}


def run_jobs(run: Run, jobs: list[Job], entries: list[dict[str, Any]]) -> str:
    """Each job whose needs passed, its steps until one fails; returns the run's status."""
    results: dict[str, str] = {}
    total, index, stopped = len(entries), 1, False
    for job in jobs:
        ok = not stopped and all(results.get(need) == "passed" for need in job.needs)
        results[job.id] = "passed" if ok else "skipped"
        job_env: dict[str, str] = {}
        for step in job.steps:
            index += 1
            if results[job.id] != "passed" or stopped:
                continue  # stays "skipped"
            entries[index - 1] = entry = run_step(run, step, index, total, job_env)
            if entry["status"] not in ("passed", "skipped") and not step.continue_on_error:
                results[job.id] = "failed"
            stopped = stopped or step.name == run.until
    return "failed" if "failed" in results.values() else "passed"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def finish(run: Run, status: str, stages: list[dict[str, Any]]) -> int:
    run.record.update(status=status, finished=now(), stages=stages)
    text = json.dumps(run.record, indent=2) + "\n"
    (run.dir / "run.json").write_text(text)
    (run.repo / ".pipeline" / "last-run.json").write_text(text)
    print(f"pipeline: run {run.number} {status}")
    return 0 if status == "passed" else 1


def cmd_run(repo: Path, workflow: str, until: str | None) -> int:
    commit = git(repo, "rev-parse", "--verify", "HEAD^{commit}")
    if git(repo, "status", "--porcelain", "--untracked-files=normal"):
        print("pipeline: note: uncommitted changes are not part of this run (it runs the committed HEAD)")
    text = git(repo, "show", f"HEAD:{workflow}")
    # An unreadable workflow still gets its run: actionlint's messages say best what is wrong.
    try:
        jobs, refused = load_workflow(text), None
    except Usage as exc:
        jobs, refused = [], exc
    steps = [step for job in jobs for step in job.steps]
    if until and jobs and until not in [s.name for s in steps]:
        raise Usage(f"no step named {until!r} in {workflow}")
    run = start(repo, commit, workflow, until)
    print(f"pipeline: run {run.number} of {commit[:12]} ({workflow}, {len(steps)} steps) in {run.workspace}")
    entries = [lint(run, workflow, 1 + len(steps))]
    entries += [{"name": s.name, "job": s.job, "status": "skipped"} for s in steps]
    if entries[0]["status"] != "passed":
        return finish(run, "failed", entries)
    if refused:
        run.record["error"] = str(refused)
        finish(run, "failed", entries)
        raise refused
    return finish(run, run_jobs(run, jobs, entries), entries)


def cmd_show(repo: Path) -> int:
    last = repo / ".pipeline" / "last-run.json"
    if not last.is_file():
        raise Usage("no run yet: pipeline run")
    record = json.loads(last.read_text())
    print(f"run {record['run']} of {record['commit'][:12]}: {record['status']} ({record['started']})")
    for entry in record["stages"]:
        name = f"{entry['job']} / {entry['name']}" if entry.get("job") else entry["name"]
        print(f"  {entry['status']:<9} {name:<40} {entry.get('seconds', '')}")
    if record.get("error"):
        print(f"  error: {record['error']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run", "show"])
    parser.add_argument("-C", dest="repo", default=".", help="the repository (default: the current one)")
    parser.add_argument("-w", "--workflow", default=WORKFLOW, help=f"the workflow file (default: {WORKFLOW})")
    parser.add_argument("--until", metavar="STEP", help="stop after the step of this name")
    args = parser.parse_args(argv)
    try:
        repo = Path(git(Path(args.repo), "rev-parse", "--show-toplevel"))
        return cmd_run(repo, args.workflow, args.until) if args.command == "run" else cmd_show(repo)
    except Usage as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
