"""The lab's per-instance Ansible pass, whatever made the hosts: the inventory, the variables
every playbook sees, and progress from ansible-runner's events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from provisioner.backends.common.ansible import STILL_RUNNING, run_playbook
from provisioner.core import redact
from provisioner.core.state import write_private
from provisioner.definitions import parts
from provisioner.lifecycle.steps import Context


def write_inventory(ctx: Context, hosts: dict[str, dict[str, Any]]) -> Path:
    """Ansible's inventory of the instance: each host with its variables and connection."""
    path = ctx.store.path("inventory.json")
    write_private(path, json.dumps({"all": {"hosts": hosts}}, indent=2))
    return path


def configure_lab(ctx: Context, inventory: Callable[[], Path], timeout: float, env: dict[str, str]) -> None:
    """Run the lab's per-instance playbooks, if it has any, against `inventory()`."""
    lab = ctx.require_lab()
    books = parts.playbooks(lab.id)
    if not books:
        ctx.report.info(f"nothing to configure per instance: no ansible/labs/{lab.id}/{parts.PLAYBOOK}")
        return
    path = inventory()
    for book in books:
        run_playbook(
            book,
            path,
            ctx.store.path("ansible"),
            extravars=playbook_vars(ctx),
            on_event=lambda e: ansible_progress(ctx, e),
            timeout=timeout,
            env=env,
        )


def playbook_vars(ctx: Context) -> dict[str, Any]:
    state = ctx.store.load()
    lab = ctx.require_lab()
    return {
        "lab_id": ctx.ref.lab,
        "instance": ctx.ref.instance,
        "secrets": ctx.store.secrets(),
        "endpoints": state.endpoints,
        "lab_dir": str(parts.folder(lab.id)),
        "lab_vars": dict(lab.provision.vars),
        "student": state.student or "",
        "student_params": state.student_params,
    }


def ansible_progress(ctx: Context, event: dict[str, Any]) -> None:
    data = event.get("event_data") or {}
    if event.get("event") == "playbook_on_task_start":
        ctx.report.info(f"task: {data.get('task', '')}")
    elif event.get("event") == STILL_RUNNING and data.get("elapsed", 0) >= 10:
        ctx.report.info(f"task: {data.get('task', '')}: still running after {data['elapsed']:.0f} s")
    elif event.get("event") == "runner_on_failed" and not data.get("ignore_errors"):
        ctx.report.info(redact.redact(f"failed on {data.get('host')}: {data.get('task')}"))
