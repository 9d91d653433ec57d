"""What a diagnostics bundle holds of an instance's containers: inspect (without env) and logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from provisioner.backends.common.diagnostics import save
from provisioner.backends.common.runner import Runner
from provisioner.backends.docker.orphans import LABEL_INSTANCE
from provisioner.lifecycle.steps import Context


def collect(run: Runner, ctx: Context, dest: Path) -> None:
    """Inspect (without env) and the log tail of each of the instance's containers."""
    if not shutil.which("docker"):
        return
    label = f"label={LABEL_INSTANCE}={ctx.ref.key}"
    for cid in run(["docker", "ps", "-a", "-q", "--filter", label], check=False, timeout=30).stdout.split():
        inspect = run(["docker", "inspect", cid], check=False, timeout=30).stdout
        name = (json.loads(inspect or "[{}]")[0].get("Name") or cid).strip("/")
        save(dest / f"{name}.inspect.json", without_env(inspect))
        logs = run(["docker", "logs", "--tail", "300", cid], check=False, timeout=30)
        save(dest / f"{name}.log", logs.stdout + logs.stderr_tail)


def without_env(inspect: str) -> str:
    """Container env holds generated passwords: drop it rather than trust redaction alone."""
    data = json.loads(inspect or "[]")
    for item in data:
        item.get("Config", {}).pop("Env", None)
    return json.dumps(data, indent=2)
