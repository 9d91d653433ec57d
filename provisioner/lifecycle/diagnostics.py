"""A diagnostics bundle for a failed up, verify or smoke: one folder, its path printed."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from provisioner.core import paths
from provisioner.core.proc import run
from provisioner.core.redact import redact
from provisioner.core.state import Store, write_private


def collect(store: Store) -> Path:
    """State (no secrets), ledger, Terraform summary, Ansible output, container logs and inspect."""
    out = paths.lab_home() / "diagnostics" / f"{store.ref.lab}-{store.ref.instance}-{time.strftime('%Y%m%dT%H%M%S')}"
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    _save(out / "state.json", json.dumps(store.read(), indent=2))
    for name in ("ledger.jsonl", "inventory.json"):
        if store.path(name).exists():
            _save(out / name, store.path(name).read_text())
    _terraform(store, out)
    _ansible(store, out)
    _containers(store, out)
    return out


def _save(path: Path, text: str) -> None:
    write_private(path, redact(text))


def _terraform(store: Store, out: Path) -> None:
    tfstate = store.path("terraform", "terraform.tfstate")
    if tfstate.exists():
        data = json.loads(tfstate.read_text() or "{}")
        resources = data.get("resources", [])
        summary = [f"{r.get('type')}.{r.get('name')} ({len(r.get('instances', []))})" for r in resources]
        _save(out / "terraform-resources.txt", "\n".join(summary) + "\n")


def _ansible(store: Store, out: Path) -> None:
    artifacts = store.path("ansible", "artifacts")
    runs = sorted(artifacts.glob("*/stdout"), key=lambda p: p.stat().st_mtime) if artifacts.exists() else []
    for i, stdout in enumerate(runs[-3:]):
        _save(out / f"ansible-{i}.log", stdout.read_text(errors="replace"))


def _containers(store: Store, out: Path) -> None:
    if not shutil.which("docker"):
        return
    label = f"label=org.lab.instance={store.ref.key}"
    ids = run(["docker", "ps", "-a", "-q", "--filter", label], check=False, timeout=30).stdout.split()
    for cid in ids:
        inspect = run(["docker", "inspect", cid], check=False, timeout=30).stdout
        name = (json.loads(inspect or "[{}]")[0].get("Name") or cid).strip("/")
        _save(out / f"{name}.inspect.json", _without_env(inspect))
        logs = run(["docker", "logs", "--tail", "300", cid], check=False, timeout=30)
        _save(out / f"{name}.log", logs.stdout + logs.stderr_tail)


def _without_env(inspect: str) -> str:
    """Container env holds generated passwords: drop it rather than trust redaction alone."""
    data = json.loads(inspect or "[]")
    for item in data:
        item.get("Config", {}).pop("Env", None)
    return json.dumps(data, indent=2)
