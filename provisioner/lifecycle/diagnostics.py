"""A diagnostics bundle for a failed up, verify or smoke: one folder, its path printed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from provisioner import backends
from provisioner.backends.common.diagnostics import save
from provisioner.backends.common.runner import Runner
from provisioner.core import paths, proc
from provisioner.core.state import Store
from provisioner.lifecycle.steps import Context


def collect(store: Store, run: Runner = proc.run) -> Path:
    """State (no secrets), ledger, Terraform summary, Ansible output, then what the instance's
    backend adds (container logs and inspect, VM console logs)."""
    out = paths.lab_home() / "diagnostics" / f"{store.ref.lab}-{store.ref.instance}-{time.strftime('%Y%m%dT%H%M%S')}"
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    state = store.load()
    save(out / "state.json", state.model_dump_json(indent=2))
    for name in ("ledger.jsonl", "inventory.json"):
        if store.path(name).exists():
            save(out / name, store.path(name).read_text())
    _terraform(store, out)
    _ansible(store, out)
    if state.backend and backends.is_built(state.backend):
        backends.get(state.backend, run).collect_diagnostics(Context(store.ref, store), out)
    return out


def _terraform(store: Store, out: Path) -> None:
    tfstate = store.path("terraform", "terraform.tfstate")
    if tfstate.exists():
        data = json.loads(tfstate.read_text() or "{}")
        resources = data.get("resources", [])
        summary = [f"{r.get('type')}.{r.get('name')} ({len(r.get('instances', []))})" for r in resources]
        save(out / "terraform-resources.txt", "\n".join(summary) + "\n")


def _ansible(store: Store, out: Path) -> None:
    artifacts = store.path("ansible", "artifacts")
    runs = sorted(artifacts.glob("*/stdout"), key=lambda p: p.stat().st_mtime) if artifacts.exists() else []
    for i, stdout in enumerate(runs[-3:]):
        save(out / f"ansible-{i}.log", stdout.read_text(errors="replace"))
