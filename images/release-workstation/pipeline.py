#!/opt/venv/bin/python3
"""pipeline: run a repository's pipeline.yml like a CI server would, on this machine.

usage: pipeline [run] [-C REPO] [--until STAGE]   run the stages (default REPO: the current one)
       pipeline show [-C REPO]                    print the last run

pipeline.yml:
  stages:
    - name: lint                   # [a-z][a-z0-9-]*, unique
      run: ruff check bin tests    # argv: a list, or a string split like a shell would (no
                                   # pipes, globs or variables: there is no shell)
      env: {KEY: value}            # optional extra environment
      timeout: 300                 # optional, seconds (default 600)

Every run exports the committed HEAD (`git archive`) into REPO/.pipeline/runs/N/workspace and
runs the stages there, in order, stopping at the first failure. Uncommitted and untracked files
are not part of a run, exactly as on a CI server: commit first. Each stage's output goes to the
terminal and to runs/N/STAGE.log; runs/N/run.json and REPO/.pipeline/last-run.json record the
outcome (keep .pipeline/ out of git). Stages see PIPELINE_RUN, PIPELINE_COMMIT, PIPELINE_REPO and
PIPELINE_WORKSPACE. Exit code: 0 every stage passed, 1 a stage failed, 2 usage error.
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
from pathlib import Path
from typing import Any

import yaml

NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
KEYS = {"name", "run", "env", "timeout"}


class Usage(Exception):
    pass


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Usage(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def load_stages(text: str) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Usage(f"pipeline.yml is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("stages"), list) or not doc["stages"]:
        raise Usage("pipeline.yml needs a non-empty list `stages`")
    stages, seen = [], set()
    for i, stage in enumerate(doc["stages"], 1):
        if not isinstance(stage, dict):
            raise Usage(f"stage {i}: a mapping with name and run")
        extra = set(stage) - KEYS
        name = stage.get("name")
        if extra:
            raise Usage(f"stage {i}: unknown keys {sorted(extra)} (allowed: {sorted(KEYS)})")
        if not isinstance(name, str) or not NAME.match(name):
            raise Usage(f"stage {i}: name {name!r} must match {NAME.pattern}")
        if name in seen:
            raise Usage(f"stage {name}: the name is used twice")
        seen.add(name)
        run = stage.get("run")
        argv = shlex.split(run) if isinstance(run, str) else run
        if not isinstance(argv, list) or not argv or not all(isinstance(a, (str, int, float)) for a in argv):
            raise Usage(f"stage {name}: run must be a command (string or list)")
        env = stage.get("env") or {}
        if not isinstance(env, dict):
            raise Usage(f"stage {name}: env must be a mapping")
        timeout = stage.get("timeout", 600)
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise Usage(f"stage {name}: timeout must be a positive number of seconds")
        stages.append(
            {"name": name, "argv": [str(a) for a in argv], "env": {str(k): str(v) for k, v in env.items()}, "timeout": timeout}
        )
    return stages


def export(repo: Path, workspace: Path) -> None:
    workspace.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", "HEAD"], stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(workspace)], stdin=archive.stdout, check=False)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        raise Usage("cannot export HEAD with git archive")


def run_stage(stage: dict[str, Any], workspace: Path, env: dict[str, str], log: Path) -> tuple[str, int | None]:
    with log.open("wb") as out:
        try:
            proc = subprocess.Popen(
                stage["argv"], cwd=workspace, env=env | stage["env"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            message = f"cannot start {stage['argv'][0]}: {exc.strerror or exc}\n".encode()
            out.write(message)
            sys.stdout.buffer.write(message)
            return "failed", None
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(stage["timeout"], kill)
        timer.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            sys.stdout.buffer.write(b"    " + line)
            sys.stdout.flush()
        code = proc.wait()
        timer.cancel()
        if expired.is_set():
            out.write(f"timed out after {stage['timeout']} s\n".encode())
            print(f"    timed out after {stage['timeout']} s")
            return "timed-out", code
    return ("passed" if code == 0 else "failed"), code


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def cmd_run(repo: Path, until: str | None) -> int:
    commit = git(repo, "rev-parse", "--verify", "HEAD^{commit}")
    if git(repo, "status", "--porcelain", "--untracked-files=normal"):
        print("pipeline: note: uncommitted changes are not part of this run (it runs the committed HEAD)")
    text = git(repo, "show", "HEAD:pipeline.yml")
    stages = load_stages(text)
    if until and until not in [s["name"] for s in stages]:
        raise Usage(f"no stage {until!r} in pipeline.yml")
    runs = repo / ".pipeline" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    number = 1 + max([int(p.name) for p in runs.iterdir() if p.name.isdigit()], default=0)
    run_dir = runs / str(number)
    workspace = run_dir / "workspace"
    export(repo, workspace)
    env = os.environ | {
        "PIPELINE_RUN": str(number),
        "PIPELINE_COMMIT": commit,
        "PIPELINE_REPO": str(repo),
        "PIPELINE_WORKSPACE": str(workspace),
    }
    record: dict[str, Any] = {
        "run": number,
        "commit": commit,
        "started": now(),
        "status": "running",
        "stages": [{"name": s["name"], "argv": s["argv"], "status": "pending"} for s in stages],
    }
    print(f"pipeline: run {number} of {commit[:12]} ({len(stages)} stages) in {workspace}")
    status = "passed"
    for i, (stage, entry) in enumerate(zip(stages, record["stages"], strict=True), 1):
        if status != "passed":
            entry["status"] = "skipped"
            continue
        print(f"==> [{i}/{len(stages)}] {stage['name']}: {shlex.join(stage['argv'])}", flush=True)
        started = time.monotonic()
        entry["status"], entry["exit_code"] = run_stage(stage, workspace, env, run_dir / f"{stage['name']}.log")
        entry["seconds"] = round(time.monotonic() - started, 2)
        print(f"<== {stage['name']}: {entry['status']} ({entry['seconds']} s)", flush=True)
        if entry["status"] != "passed":
            status = "failed"
        if stage["name"] == until:
            break
    for entry in record["stages"]:
        if entry["status"] == "pending":
            entry["status"] = "skipped"
    record.update(status=status, finished=now())
    text = json.dumps(record, indent=2) + "\n"
    (run_dir / "run.json").write_text(text)
    (repo / ".pipeline" / "last-run.json").write_text(text)
    print(f"pipeline: run {number} {status}")
    return 0 if status == "passed" else 1


def cmd_show(repo: Path) -> int:
    last = repo / ".pipeline" / "last-run.json"
    if not last.is_file():
        raise Usage("no run yet: pipeline run")
    record = json.loads(last.read_text())
    print(f"run {record['run']} of {record['commit'][:12]}: {record['status']} ({record['started']})")
    for entry in record["stages"]:
        print(f"  {entry['status']:<9} {entry['name']:<20} {entry.get('seconds', '')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run", "show"])
    parser.add_argument("-C", dest="repo", default=".", help="the repository (default: the current one)")
    parser.add_argument("--until", help="stop after this stage")
    args = parser.parse_args(argv)
    try:
        repo = Path(git(Path(args.repo), "rev-parse", "--show-toplevel"))
        return cmd_run(repo, args.until) if args.command == "run" else cmd_show(repo)
    except Usage as exc:
        print(f"pipeline: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
