"""The `local` backend: a sandbox folder on this machine, configured over Ansible's local connection.

It needs nothing but Terraform's built-in provider, so the core lifecycle can be tested for real
anywhere; learners use it for labs that run on their own workstation."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from provisioner.backends.base import TerraformBackend
from provisioner.backends.common.terraform import find_binary
from provisioner.core import paths
from provisioner.lifecycle.steps import Context


def sandbox_dir(ctx: Context) -> Path:
    return paths.lab_home() / "sandboxes" / ctx.name


class LocalBackend(TerraformBackend):
    name = "local"

    def preflight(self, ctx: Context) -> None:
        find_binary()

    def tf_vars(self, ctx: Context) -> dict[str, Any]:
        lab = ctx.require_lab()
        return {
            "sandbox_dir": str(sandbox_dir(ctx)),
            "components": [c.name for c in lab.sandbox.components],
            "labels": {"lab": ctx.ref.lab, "instance": ctx.ref.instance, "run": ctx.run_id},
        }

    def connection(self, ctx: Context, host: str, hostvars: dict[str, Any]) -> dict[str, Any]:
        return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}

    def exec_argv(self, ctx: Context, host: str, argv: list[str]) -> list[str]:
        return list(argv)

    def sweep(self, ctx: Context) -> None:
        # Terraform's destroy removes the folder; after a crash before its state was saved, we do.
        shutil.rmtree(sandbox_dir(ctx), ignore_errors=True)
